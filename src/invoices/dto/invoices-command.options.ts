import type { User } from 'discord.js';
import { IntegerOption, UserOption } from 'necord';
import { describe } from '../../discord/command-text';

export const DEFAULT_INVOICES_LIMIT = 10;
const limitOption = () =>
  IntegerOption({
    name: 'limit',
    ...describe('commands.invoicesLimit'),
    min_value: 1,
    max_value: 100,
    required: false,
  });

/** `/invoices [limit]`. */
export class InvoicesOptions {
  @limitOption()
  public readonly limit?: number | null;
}

/** `/admin invoices user [limit]`. */
export class AdminInvoicesOptions {
  @UserOption({ name: 'user', ...describe('commands.adminUser'), required: true })
  public readonly user!: User;

  @limitOption()
  public readonly limit?: number | null;
}
