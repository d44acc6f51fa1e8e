import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { UpdateRolesRequest, UpdateRolesResponse, RolesService } from '../role-truth';
import { ApiInternalPost, InternalApi } from '../openapi/api-internal';
import { DiscordRestService } from '../discord/discord-rest.service';
import { unprocessable } from '../common/pipes/validation.pipe';

@Controller('internal/roles')
@InternalApi()
export class RolesController {
  constructor(
    private readonly roles: RolesService,
    private readonly discord: DiscordRestService,
  ) {}

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
  async update(@Body() body: UpdateRolesRequest): Promise<UpdateRolesResponse> {
    if (body.discord_id === (await this.ownId())) {
      throw unprocessable('discord_id', 'discord_id is the bot itself: a bot never holds a membership role');
    }
    return this.roles.updateRoles(body);
  }

  /** The bot's id; undefined while Discord cannot tell it (the change is then checked when it is applied). */
  private ownId(): Promise<string | undefined> {
    return this.discord.botUser().catch(() => undefined);
  }
}
