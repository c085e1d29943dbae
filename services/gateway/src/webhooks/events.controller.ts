import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, ReadFeed, type Actor, type FeedPage } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PageCursors, type CursorScope } from '../pagination/page-cursors';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { FeedPageDto, FeedQueryDto } from './webhooks.dtos';

/** `GET /events`: the event feed of SPEC §6a. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('HOST', 'ADMIN')
@Controller('events')
export class EventsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly cursors: PageCursors,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Events in the order the platform recorded them (catch up from here)' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER has no event feed',
    422: 'an unknown event type, a bad limit, or a cursor this feed did not issue you',
  })
  @ApiOkResponse({
    type: FeedPageDto,
    description:
      'a HOST sees events about its own records, an ADMIN every event; `nextCursor` is never ' +
      'null: pass it as `after` now for the next page, or later for what has happened since',
  })
  async read(@CurrentActor() actor: Actor, @Query() query: FeedQueryDto): Promise<FeedPage> {
    // A feed position is bound to the reader, not to `types`: one position serves any filter.
    const scope = { route: 'GET /events', actor, filter: {} };
    const after = query.after === undefined ? undefined : this.openCursor(scope, query.after);
    const page = await this.bus.send(ReadFeed, {
      actor,
      query: { after, types: query.types, limit: query.limit },
    });
    return { ...page, nextCursor: this.cursors.seal(scope, page.nextCursor) };
  }

  private openCursor(scope: CursorScope, after: string): string {
    try {
      return this.cursors.open(scope, after);
    } catch {
      throw DomainError.validation('the cursor is invalid', [
        { path: 'after', message: 'is not a cursor this feed issued to you' },
      ]);
    }
  }
}
