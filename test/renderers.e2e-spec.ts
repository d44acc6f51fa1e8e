import fc from 'fast-check';
import type { SupportedLocale } from '../src/config/app-config';
import { MAX_MINOR_AMOUNT } from '../src/common/validation/minor-amount.decorator';
import type { InvoiceInfo } from '../src/invoices/dto/invoice-info.dto';
import { buildInvoicesView, INVOICES_PER_PAGE } from '../src/invoices/invoices.view';
import { NOTIFY_ACTIONS } from '../src/dm/dm-kinds';
import { buildInboxView } from '../src/notifications/inbox.view';
import { buildInvoiceDm } from '../src/dm/invoice-dm';
import type { InvoiceDm, SubscriptionDm } from '../src/dm/dm-kinds';
import { buildNotifyDm } from '../src/dm/subscription-dm';
import type { NotificationTable } from '../src/storage/tables';
import type { RefundOutcome } from '../src/refunds/refund-outcome';
import type { AuditOutcome, ConfirmationState, RefundConfirmation } from '../src/refunds/refunds.repository';
import {
  aboveInvoiceText,
  amountProblemText,
  buildCancelledView,
  buildConfirmationView,
  buildExpiredView,
  buildOutcomeView,
  textView,
  type DmStatus,
} from '../src/refunds/refund-admin.view';
import { buildAuditMessage } from '../src/refunds/refund-audit.view';
import { buildRefundDm, type RefundDmInput } from '../src/dm/refund-dm';
import { buildRolesSyncView } from '../src/roles/roles-sync.view';
import { SUBSCRIPTION_STATUSES, type SubscriptionInfo } from '../src/backend/dto/subscription-info.response';
import { buildSubscriptionView } from '../src/subscription/subscription.view';
import { DiscordSim } from '../tools/discord-sim/sim-client';
import type { SchemaKey } from '../tools/discord-sim/validation';
import { anyCurrency, fuzzParameters, FUZZ_TIMEOUT_MS, oddText } from './support/fuzz';

/**
 * Every DM and reply the service renders, from maximal and odd inputs (the longest strings the contract
 * allows, every currency, right-to-left and combining text, emoji, overrides), checked against Discord's
 * schemas and limits as the simulator checks real requests: no input may produce a message Discord refuses.
 */
describe('renderers (property-based, against the simulator’s schema checks)', () => {
  let sim: DiscordSim;
  jest.setTimeout(FUZZ_TIMEOUT_MS);

  beforeAll(async () => {
    sim = await DiscordSim.start();
  });
  afterAll(() => sim?.stop());

  const locale = fc.constantFrom<SupportedLocale>('en-US', 'fr');
  const amount = fc.oneof(
    fc.integer({ min: 0, max: MAX_MINOR_AMOUNT }),
    fc.constantFrom(0, 1, 99, 100, MAX_MINOR_AMOUNT),
  );
  const snowflake = fc.stringMatching(/^[1-9][0-9]{16,19}$/);
  const date = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2026-11-10T09:00:00+00:00', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z'),
    oddText(64),
  );
  const https = (maxLength: number) =>
    fc
      .tuple(fc.webUrl({ validSchemes: ['https'] }), fc.nat({ max: maxLength }))
      .map(([url, pad]) => `${url}/${'p'.repeat(pad)}`.slice(0, maxLength));
  const pdf = fc.option(fc.oneof(https(2048), https(600), oddText(2048), fc.constant('https://x.y/(a)(b)')));
  const invoice: fc.Arbitrary<InvoiceInfo> = fc.record({
    invoice_id: oddText(255),
    amount,
    currency: anyCurrency,
    status: fc.oneof(fc.constantFrom('paid', 'open', 'void', 'uncollectible', 'draft'), oddText(64)),
    created: date,
    invoice_pdf: pdf,
  });

  /** Renders many inputs and asks the simulator whether Discord would take every message rendered from each. */
  async function expectDiscordTakes<T>(
    name: string,
    schema: SchemaKey,
    input: fc.Arbitrary<T>,
    render: (input: T) => object | object[],
  ): Promise<void> {
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const messages = ([] as object[]).concat(render(value));
        const refused = (await sim.validate(schema, messages)).findIndex((errors) => errors !== null);
        if (refused >= 0) {
          const errors = (await sim.validate(schema, [messages[refused]]))[0];
          throw new Error(`Discord would refuse message ${refused} (50035): ${JSON.stringify(errors)}`);
        }
      }),
      fuzzParameters(name),
    );
  }

  it('should render every subscription DM Discord takes', () =>
    expectDiscordTakes(
      'notify DM',
      'messageCreate',
      fc.record({
        locale,
        action: fc.constantFrom(...NOTIFY_ACTIONS),
        plan: fc.option(oddText(64)),
        metadata: fc.record({
          amount: fc.oneof(amount, fc.constant(undefined)),
          currency: fc.oneof(anyCurrency, oddText(40)),
          subscription_type: fc.constantFrom('monthly', 'yearly', undefined),
          current_period_end: date,
          message: oddText(8000),
        }),
      }),
      ({ locale: l, ...input }) => buildNotifyDm(l, input),
    ));

  it('should render every invoice DM Discord takes, whatever the length of its PDF link', () =>
    expectDiscordTakes(
      'invoice DM',
      'messageCreate',
      fc.record({
        locale,
        event: fc.constantFrom('invoice_paid' as const, 'payment_failed' as const),
        invoice,
        billing: fc.option(https(512), { nil: undefined }),
      }),
      ({ locale: l, event, invoice: i, billing }) => buildInvoiceDm(l, event, i, billing),
    ));

  it('should render every refund DM and audit post Discord takes', () =>
    expectDiscordTakes(
      'refund DM and audit post',
      'messageCreate',
      fc.record({
        locale,
        amount: fc.option(amount),
        currency: fc.option(anyCurrency),
        refundId: fc.option(oddText(255)),
        adminId: fc.option(snowflake),
        targetId: snowflake,
        reason: fc.option(oddText(500)),
        detail: fc.option(oddText(4000)),
        outcome: fc.constantFrom<AuditOutcome>(
          'refunded',
          'rejected',
          'provider_error',
          'failed',
          'unknown',
          'notified',
        ),
        dm: fc.constantFrom<DmStatus | undefined>(
          'sent',
          'dm_closed',
          'unknown_user',
          'queued',
          'failed',
          'already',
          undefined,
        ),
      }),
      (e) => [
        buildRefundDm(e.locale, { amount: e.amount ?? 1, currency: e.currency ?? 'eur', refundId: e.refundId }),
        buildAuditMessage(e.locale, { ...e, source: 'notify', confirmationId: null }, e.dm),
      ],
    ));

  it('should render every subscription reply Discord takes', () =>
    expectDiscordTakes(
      '/subscription reply',
      'webhookEdit',
      fc.record({
        locale,
        subscription: fc.option(
          fc.record<SubscriptionInfo>({
            subscription_id: oddText(255),
            customer_id: oddText(255),
            status: fc.constantFrom(...SUBSCRIPTION_STATUSES),
            subscription_type: fc.constantFrom('monthly', 'yearly'),
            current_period_start: date,
            current_period_end: date,
            cancel_at_period_end: fc.boolean(),
            amount,
            currency: fc.oneof(anyCurrency, oddText(64)),
          }),
        ),
        billingUrl: fc.option(https(512), { nil: undefined }),
        subjectMention: fc.option(
          snowflake.map((id) => `<@${id}>`),
          { nil: undefined },
        ),
      }),
      ({ locale: l, subscription, ...options }) => buildSubscriptionView(l, subscription, options),
    ));

  it('should render every page of invoices Discord takes', () =>
    expectDiscordTakes(
      '/invoices reply',
      'webhookEdit',
      fc.record({
        locale,
        invoices: fc.array(invoice, { maxLength: 3 * INVOICES_PER_PAGE }),
        page: fc.integer({ min: -1, max: 30 }),
        owner: snowflake,
        subject: snowflake,
      }),
      ({ locale: l, invoices, page, owner, subject }) =>
        buildInvoicesView(l, invoices, { page, ownerId: owner, subjectId: subject, limit: 100 }, `<@${subject}>`),
    ));

  it('should render every /notifications reply Discord takes', () => {
    const payload = fc.oneof(
      fc.record({
        kind: fc.constant('subscription'),
        action: fc.constantFrom(...NOTIFY_ACTIONS),
        plan: fc.option(oddText(64)),
        metadata: fc.record({ message: oddText(8000) }),
      }),
      fc.record({ kind: fc.constant('invoice'), event: fc.constantFrom('invoice_paid', 'payment_failed'), invoice }),
      fc.record({ kind: fc.constant('refund'), amount, currency: anyCurrency, refundId: fc.option(oddText(255)) }),
    );
    const row = fc.record({
      payload,
      state: fc.oneof(fc.constantFrom('pending', 'sent', 'dm_closed', 'dead'), oddText(20)),
      created_at: fc.integer({ min: 0, max: 8.64e15 }),
    });
    return expectDiscordTakes(
      '/notifications reply',
      'webhookEdit',
      fc.record({ locale, rows: fc.array(row, { maxLength: 10 }) }),
      ({ locale: l, rows }) =>
        buildInboxView(
          l,
          rows.map((r) => ({ ...r, payload: JSON.stringify(r.payload) }) as unknown as NotificationTable),
          (r) => {
            const p = JSON.parse(r.payload) as { kind: string };
            if (p.kind === 'subscription') return buildNotifyDm(l, p as unknown as SubscriptionDm);
            if (p.kind === 'invoice') {
              const { event, invoice: i } = p as unknown as InvoiceDm;
              return buildInvoiceDm(l, event, i);
            }
            return buildRefundDm(l, p as unknown as RefundDmInput);
          },
        ),
    );
  });

  it('should render every /admin refund reply Discord takes', () => {
    const confirmation: fc.Arbitrary<RefundConfirmation> = fc.record({
      id: snowflake,
      adminId: snowflake,
      targetId: snowflake,
      amount: fc.option(amount),
      currency: anyCurrency,
      invoiceId: oddText(255),
      invoiceAmount: amount,
      invoiceCreated: date,
      reason: fc.option(oddText(500)),
      locale: fc.constant('en-US'),
      state: fc.constant<ConfirmationState>('pending'),
      createdAt: fc.integer({ min: 0, max: 4e12 }),
      expiresAt: fc.integer({ min: 0, max: 8.64e15 }),
      refundId: fc.option(oddText(255)),
      amountRefunded: fc.option(amount),
    });
    const outcome: fc.Arbitrary<RefundOutcome> = fc.oneof(
      fc.record({
        kind: fc.constant('refunded' as const),
        refundId: fc.option(oddText(255)),
        amountRefunded: fc.option(amount),
      }),
      fc.record({
        kind: fc.constant('rejected' as const),
        rejection: fc.constantFrom('noCustomer' as const, 'overRefund' as const, 'other' as const),
        message: oddText(4000),
      }),
      fc.record({ kind: fc.constantFrom('provider_error' as const, 'failed' as const), detail: oddText(4000) }),
      fc.record({ kind: fc.constant('unknown' as const), cause: oddText(4000) }),
    );
    return expectDiscordTakes(
      '/admin refund reply',
      'webhookEdit',
      fc.record({
        locale,
        confirmation,
        outcome,
        dm: fc.constantFrom<DmStatus | undefined>('sent', 'queued', 'already', undefined),
        problem: fc.constantFrom(
          'invalid' as const,
          'tooSmall' as const,
          'tooLarge' as const,
          'tooManyDecimals' as const,
        ),
      }),
      ({ locale: l, confirmation: c, outcome: o, dm, problem }) => [
        buildConfirmationView(l, c),
        buildExpiredView(l, c),
        buildCancelledView(l, c),
        buildOutcomeView(l, c, o, dm),
        textView(amountProblemText(l, problem, c.currency)),
        textView(aboveInvoiceText(l, c.invoiceAmount, { amount: c.invoiceAmount, currency: c.currency })),
      ],
    );
  });

  it('should render every /admin roles sync reply Discord takes', () =>
    expectDiscordTakes(
      '/admin roles sync reply',
      'webhookEdit',
      fc.record({
        locale,
        subject: snowflake,
        plan: oddText(64),
        success: fc.boolean(),
        pending: fc.option(fc.boolean(), { nil: undefined }),
        message: oddText(2000),
        queued: fc.option(fc.boolean(), { nil: undefined }),
        superseded: fc.option(fc.boolean(), { nil: undefined }),
        results: fc.array(
          fc.record(
            {
              role_id: snowflake,
              outcome: fc.constantFrom('added' as const, 'removed' as const, 'unchanged' as const, 'failed' as const),
              reason: fc.oneof(oddText(300), fc.constant('kept: staff grant until 2027-01-31')),
            },
            { requiredKeys: ['role_id', 'outcome'] },
          ),
          { maxLength: 50 },
        ),
      }),
      ({ locale: l, subject, plan, ...roles }) =>
        buildRolesSyncView(l, `<@${subject}>`, {
          plan,
          premium: false,
          entitled: [],
          roles: { ...roles, roles_updated: roles.success, guild_id: null },
        }),
    ));
});
