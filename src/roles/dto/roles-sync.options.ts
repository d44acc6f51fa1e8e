import type { User } from 'discord.js';
import { UserOption } from 'necord';
import { describe } from '../../discord/command-text';

/** `/admin roles sync [user]`: one member, or (without) a full sweep after a confirmation. */
export class RolesSyncOptions {
  @UserOption({ name: 'user', ...describe('commands.adminRolesSyncUser'), required: false })
  public readonly user?: User | null;
}
