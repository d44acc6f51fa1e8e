import type { User } from 'discord.js';
import { StringOption, UserOption } from 'necord';
import { describe } from '../../discord/command-text';

const GRANT_REASON_MAX = 500;

/** `/admin premium grant user plan duration [reason]`. */
export class PremiumGrantOptions {
  @UserOption({ name: 'user', ...describe('commands.adminUser'), required: true })
  public readonly user!: User;

  @StringOption({ name: 'plan', ...describe('commands.adminPremiumPlan'), required: true, max_length: 64 })
  public readonly plan!: string;

  @StringOption({ name: 'duration', ...describe('commands.adminPremiumDuration'), required: true, max_length: 8 })
  public readonly duration!: string;

  @StringOption({
    name: 'reason',
    ...describe('commands.adminPremiumReason'),
    required: false,
    max_length: GRANT_REASON_MAX,
  })
  public readonly reason?: string | null;
}

/** `/admin premium revoke user`. */
export class PremiumRevokeOptions {
  @UserOption({ name: 'user', ...describe('commands.adminUser'), required: true })
  public readonly user!: User;
}
