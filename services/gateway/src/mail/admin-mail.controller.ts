import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListMail, type Actor, type MailRecord, type Page } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PageCursors, filterOf } from '../pagination/page-cursors';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { ListMailQueryDto, MailPageDto } from './mail.dtos';

/** `GET /admin/mail` (SPEC §6c): every mail sent, waiting, retried, failed or dropped. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin')
export class AdminMailController {
  constructor(
    private readonly bus: CommandBus,
    private readonly cursors: PageCursors,
  ) {}

  @Get('mail')
  @ApiOperation({ summary: 'The mail log, newest first (ADMIN)' })
  @ApiProblemResponses({ 401: true, 403: 'not an ADMIN', 422: 'a bad status, limit or cursor' })
  @ApiOkResponse({ type: MailPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: ListMailQueryDto): Promise<Page<MailRecord>> {
    const scope = { route: 'GET /admin/mail', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListMail, {
        actor,
        query: { limit: query.limit, status: query.status, cursor },
      }),
    );
  }
}
