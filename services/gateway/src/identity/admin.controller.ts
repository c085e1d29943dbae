import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ChangeUserAccess,
  ListAudit,
  ListUsers,
  type Actor,
  type AuditEntry,
  type Page,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { PageCursors, filterOf } from '../pagination/page-cursors';
import {
  AdminUpdateUserDto,
  AuditPageDto,
  AuditQueryDto,
  ListUsersQueryDto,
  UserDto,
  UserIdParamDto,
  UserPageDto,
} from './identity.dtos';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly bus: CommandBus,
    private readonly cursors: PageCursors,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'List users (ADMIN)' })
  @ApiProblemResponses({ 401: true, 403: 'not an ADMIN', 422: 'a bad filter, limit or cursor' })
  @ApiOkResponse({ type: UserPageDto })
  listUsers(@CurrentActor() actor: Actor, @Query() query: ListUsersQueryDto): Promise<Page<User>> {
    const scope = { route: 'GET /admin/users', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListUsers, {
        actor,
        query: { ...query, cursor },
      }),
    );
  }

  @Patch('users/:id')
  @ApiOperation({ summary: "Change a user's role or deactivate them (ADMIN)" })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'not an ADMIN',
    404: 'no such user',
    413: true,
    422: true,
  })
  @ApiOkResponse({
    type: UserDto,
    description: 'a deactivated user is refused from the next request on',
  })
  changeUser(
    @CurrentActor() actor: Actor,
    @Param() params: UserIdParamDto,
    @Body() body: AdminUpdateUserDto,
  ): Promise<User> {
    return this.bus.send(ChangeUserAccess, {
      actor,
      userId: params.id,
      changes: body,
    });
  }

  @Get('audit')
  @ApiOperation({ summary: 'Read the audit trail (ADMIN)' })
  @ApiProblemResponses({ 401: true, 403: 'not an ADMIN', 422: 'a bad filter, limit or cursor' })
  @ApiOkResponse({ type: AuditPageDto })
  audit(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto): Promise<Page<AuditEntry>> {
    const scope = { route: 'GET /admin/audit', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListAudit, {
        actor,
        query: { ...query, cursor },
      }),
    );
  }
}
