import type { User } from 'discord.js';
import { UserOption } from 'necord';
import { describe } from '../../discord/command-text';

/** `/admin roles sync user`. */
export class RolesSyncOptions {
  @UserOption({ name: 'user', ...describe('commands.adminUser'), required: true })
  public readonly user!: User;
}
