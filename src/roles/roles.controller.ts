import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { UpdateRolesRequest } from './dto/update-roles.request';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { UpdateRolesResponse } from './dto/update-roles.response';
import { RolesService } from './roles.service';

@Controller('internal/roles')
@InternalApi()
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Post('update')
  @ApiInternalPost({
    summary: "Add or remove a user's roles after a plan change (1.0)",
    description:
      'Guild: guild_id when given (NEW, one the bot is in), else MODDY_GUILD_ID. Without add_roles and ' +
      'remove_roles the roles come from plan through PLAN_ROLES (free removes every premium role; another plan ' +
      'missing from the mapping changes nothing). Outcomes, all 200: done (roles_updated); member not in the guild ' +
      '(pending: applied when they join); a role missing, above the bot or no Manage Roles (success false, nothing ' +
      'partly applied); queued, superseded or stale (NEW). results lists each role.',
    body: UpdateRolesRequest,
    response: UpdateRolesResponse,
    unavailable: 'No guild is known: {"error":"MODDY_GUILD_ID is not configured"}',
  })
  @HttpCode(200)
  update(@Body() body: UpdateRolesRequest): Promise<UpdateRolesResponse> {
    return this.roles.updateRoles(body);
  }
}
