import type { User } from 'discord.js';
import { NumberOption, StringOption, UserOption } from 'necord';
import { describe } from '../../discord/command-text';
import { REFUND_MAX_UNITS, REFUND_MIN_UNITS } from '../refund-amount';

/** The longest reason Discord lets staff type (and the contract lets the backend send). */
const REFUND_REASON_MAX = 500;

/** `/admin refund user [amount] [reason]`. */
export class AdminRefundOptions {
  @UserOption({ name: 'user', ...describe('commands.adminRefundUser'), required: true })
  public readonly user!: User;

  /** Currency units (12.5 is 12.50); absent refunds the whole last paid invoice. */
  @NumberOption({
    name: 'amount',
    ...describe('commands.adminRefundAmount'),
    min_value: REFUND_MIN_UNITS,
    max_value: REFUND_MAX_UNITS,
    required: false,
  })
  public readonly amount?: number | null;

  @StringOption({
    name: 'reason',
    ...describe('commands.adminRefundReason'),
    max_length: REFUND_REASON_MAX,
    required: false,
  })
  public readonly reason?: string | null;
}
