import type { User } from 'discord.js';
import { UserOption } from 'necord';
import { describe } from '../../discord/command-text';

/** `/admin member user`. */
export class AdminMemberOptions {
  @UserOption({ name: 'user', ...describe('commands.adminUser'), required: true })
  public readonly user!: User;
}
