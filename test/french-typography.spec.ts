import fc from 'fast-check';
import { frenchSpacingProblems } from '../src/i18n/french-typography';
import type { InvoiceInfo } from '../src/invoices/dto/invoice-info.dto';
import { buildInvoicesView } from '../src/invoices/invoices.view';
import { NOTIFY_ACTIONS } from '../src/dm/dm-kinds';
import { buildInboxView } from '../src/notifications/inbox.view';
import { buildInvoiceDm } from '../src/dm/invoice-dm';
import { buildNotifyDm } from '../src/dm/subscription-dm';
import type { RefundOutcome } from '../src/refunds/refund-outcome';
import type { AuditOutcome, RefundConfirmation } from '../src/refunds/refunds.repository';
import {
  aboveInvoiceText,
  amountProblemText,
  buildCancelledView,
  buildConfirmationView,
  buildExpiredView,
  buildOutcomeView,
  textView,
} from '../src/refunds/refund-admin.view';
import { buildAuditMessage } from '../src/refunds/refund-audit.view';
import { buildRefundDm } from '../src/dm/refund-dm';
import { buildGrantedView, buildRevokedView } from '../src/roles/premium.view';
import type { RoleResult } from '../src/role-truth/role-ledger';
import { buildBrakeDecidedMessage, buildBrakeMessage } from '../src/role-truth/brake-post.view';
import {
  buildAuditView,
  buildSweepSummaryView,
  buildSyncAllConfirm,
  buildSyncAllNote,
} from '../src/roles/role-sweep.view';
import type { Drift } from '../src/role-truth/role-sweep.types';
import { buildRolesSyncView } from '../src/roles/roles-sync.view';
import type { UpdateRolesResponse } from '../src/role-truth/roles.service';
import type { NotificationTable, PremiumGrantTable, RoleChangeSource, RoleChangeState } from '../src/storage/tables';
import { SUBSCRIPTION_STATUSES, type SubscriptionInfo } from '../src/backend/dto/subscription-info.response';
import { buildSubscriptionView } from '../src/subscription/subscription.view';
import { buildDeliveriesView } from '../src/support/deliveries.view';
import type { MemberNow, RoleGap } from '../src/support/member-desk.service';
import { buildMemberView } from '../src/support/member-desk.view';
import type { HistoryItem } from '../src/support/member-history';
import { fuzzParameters } from './support/fuzz';

/**
 * Issue 13: in every French DM and reply the bot renders, whatever the inputs, the space before `:`, `;`, `!`,
 * `?` and `»` (and after `«`) is a no-break one, also where a view puts catalogue strings together. Free text
 * from the backend or staff (a reason, an error) is not the bot's to typeset: here it is plain words.
 */

/** Every text Discord shows of a message: content, embed title, description, fields, footer, button labels. */
function visibleTexts(message: object): string[] {
  const m = message as {
    content?: string;
    embeds?: Array<
      { title?: string; description?: string; fields?: Array<{ name: string; value: string }> } & {
        footer?: { text?: string };
        author?: { name?: string };
      }
    >;
    components?: Array<{ components?: Array<{ label?: string }> }>;
  };
  return [
    m.content ?? '',
    ...(m.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      e.footer?.text ?? '',
      e.author?.name ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
    ...(m.components ?? []).flatMap((row) => (row.components ?? []).map((c) => c.label ?? '')),
  ];
}

function expectFrenchSpacing(messages: object[]): void {
  const problems = messages.flatMap((m) => visibleTexts(m).flatMap(frenchSpacingProblems));
  expect(problems).toEqual([]);
}

const words = fc.stringMatching(/^[A-Za-zéèà0-9]+( [A-Za-zéèà0-9]+){0,5}$/);
const snowflake = fc.stringMatching(/^[1-9][0-9]{17}$/);
const amount = fc.integer({ min: 0, max: 99_999_999 });
const currency = fc.constantFrom('eur', 'usd', 'jpy', 'kwd', 'chf', 'xyz');
const instant = fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 });
const iso = instant.map((ms) => new Date(ms).toISOString());
const plan = fc.constantFrom('moddy_max', 'free', 'moddy_pro');
const roleResult: fc.Arbitrary<RoleResult> = fc.record(
  {
    role_id: snowflake,
    outcome: fc.constantFrom('added' as const, 'removed' as const, 'unchanged' as const, 'failed' as const),
    reason: fc.oneof(words, fc.constant('kept: staff grant until 2027-01-31')),
  },
  { requiredKeys: ['role_id', 'outcome'] },
);
const rolesResponse: fc.Arbitrary<UpdateRolesResponse> = fc.record({
  success: fc.boolean(),
  message: words,
  roles_updated: fc.boolean(),
  guild_id: fc.constant(null),
  pending: fc.boolean(),
  queued: fc.boolean(),
  superseded: fc.boolean(),
  results: fc.array(roleResult, { maxLength: 4 }),
});
const grant: fc.Arbitrary<PremiumGrantTable> = fc.record({
  id: words,
  discord_id: snowflake,
  plan,
  granted_by: snowflake,
  reason: fc.option(words),
  created_at: instant,
  expires_at: instant,
  ended_at: fc.constant(null),
  ended_by: fc.constant(null),
});
const subscription: fc.Arbitrary<SubscriptionInfo> = fc.record({
  subscription_id: words,
  customer_id: words,
  status: fc.constantFrom(...SUBSCRIPTION_STATUSES),
  subscription_type: fc.constantFrom('monthly' as const, 'yearly' as const),
  current_period_start: iso,
  current_period_end: iso,
  cancel_at_period_end: fc.boolean(),
  amount,
  currency,
});
const invoice: fc.Arbitrary<InvoiceInfo> = fc.record({
  invoice_id: words,
  amount,
  currency,
  status: fc.constantFrom('paid', 'open', 'void', 'uncollectible', 'draft', 'weird'),
  created: iso,
  invoice_pdf: fc.option(fc.constantFrom('https://pay.example/invoice/abc/pdf?s=1', 'x'.repeat(600))),
});
const confirmation: fc.Arbitrary<RefundConfirmation> = fc.record({
  id: snowflake,
  adminId: snowflake,
  targetId: snowflake,
  amount: fc.option(amount),
  currency,
  invoiceId: words,
  invoiceAmount: amount,
  invoiceCreated: iso,
  reason: fc.option(words),
  locale: fc.constant('fr'),
  state: fc.constant('pending' as const),
  createdAt: instant,
  expiresAt: instant,
  refundId: fc.option(words),
  amountRefunded: fc.option(amount),
});
const outcome: fc.Arbitrary<RefundOutcome> = fc.oneof(
  fc.record({ kind: fc.constant('refunded' as const), refundId: fc.option(words), amountRefunded: fc.option(amount) }),
  fc.record({
    kind: fc.constant('rejected' as const),
    rejection: fc.constantFrom(
      'noCustomer' as const,
      'noPaidInvoice' as const,
      'noPaymentIntent' as const,
      'overRefund' as const,
      'alreadyRefunded' as const,
      'other' as const,
    ),
    message: words,
  }),
  fc.record({ kind: fc.constantFrom('provider_error' as const, 'failed' as const), detail: words }),
  fc.record({ kind: fc.constant('unknown' as const), cause: words }),
);
const roleSource = fc.constantFrom<RoleChangeSource>(
  'backend',
  'refresh',
  'join',
  'staff_sync',
  'sweep',
  'brake',
  'grant',
  'grant_end',
);
const gap: fc.Arbitrary<RoleGap | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom<RoleGap>(
    { kind: 'not_in_server' },
    { kind: 'queued' },
    { kind: 'held_by_brake' },
    { kind: 'superseded' },
    { kind: 'drift' },
  ),
  words.map((reason): RoleGap => ({ kind: 'refused', reason })),
  fc.record({ origin: roleSource, at: instant }).map((r): RoleGap => ({ kind: 'removed_by', ...r })),
);
const memberNow: fc.Arbitrary<MemberNow> = fc.record({
  subscription: fc.oneof(fc.constant(undefined), fc.constant(null), subscription),
  member: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.record({ joinedAt: fc.option(iso), planRoles: fc.array(snowflake, { maxLength: 2 }) }),
  ),
  expectedPlans: fc.array(plan, { maxLength: 2 }),
  expectedRoles: fc.array(snowflake, { maxLength: 2 }),
  grants: fc.array(grant, { maxLength: 2 }),
  gap,
});
const historyItem: fc.Arbitrary<HistoryItem> = fc.oneof(
  fc.record({
    source: fc.constant('notification' as const),
    at: instant,
    id: words,
    action: fc.constantFrom(...NOTIFY_ACTIONS),
    state: fc.constantFrom('sent', 'pending', 'dm_closed', 'dead', 'unknown_user', 'failed'),
    nextAttemptAt: instant,
    lastError: fc.option(words),
  }),
  fc.record({
    source: fc.constant('role' as const),
    at: instant,
    origin: roleSource,
    state: fc.constantFrom<RoleChangeState>('pending', 'waiting_join', 'applied', 'failed', 'superseded', 'stale'),
    results: fc.array(roleResult, { maxLength: 3 }),
  }),
  fc.record({
    source: fc.constant('refund' as const),
    at: instant,
    amount: fc.option(amount),
    currency: fc.option(currency),
    adminId: fc.option(snowflake),
    outcome: fc.constantFrom<AuditOutcome>('refunded', 'rejected', 'provider_error', 'failed', 'unknown', 'notified'),
  }),
  fc.record({ source: fc.constant('command' as const), at: instant, command: words, success: fc.boolean() }),
);
const deadRow: fc.Arbitrary<NotificationTable> = fc.record({
  id: words,
  state: fc.constant('dead'),
  attempts: fc.nat(10),
  next_attempt_at: instant,
  lease_owner: fc.constant(null),
  lease_until: fc.constant(null),
  last_error: fc.option(words),
  created_at: instant,
  delivered_at: fc.constant(null),
  discord_id: snowflake,
  kind: fc.constant('subscription'),
  action: fc.constantFrom(...NOTIFY_ACTIONS),
  dedup_key: words,
  dedup_until: instant,
  payload: fc.constant('{}'),
});
const counts = fc.dictionary(fc.constantFrom('sent', 'pending', 'dm_closed', 'dead', 'failed'), fc.nat(1000));
const skipped = fc.record({ backend_error: fc.nat(50), left: fc.nat(50), outdated: fc.nat(50) });

describe('French typography in every rendered message (issue 13)', () => {
  it('should keep every French mark with its word in DMs', () => {
    fc.assert(
      fc.property(
        fc.record({
          action: fc.constantFrom(...NOTIFY_ACTIONS),
          plan: fc.option(plan),
          metadata: fc.record({
            amount,
            currency,
            subscription_type: fc.constantFrom('monthly', 'yearly'),
            current_period_end: iso,
            message: words,
          }),
        }),
        fc.constantFrom('invoice_paid' as const, 'payment_failed' as const),
        invoice,
        fc.record({ amount, currency, refundId: fc.option(words) }),
        (notice, event, inv, refund) =>
          expectFrenchSpacing([
            buildNotifyDm('fr', notice),
            buildInvoiceDm('fr', event, inv, 'https://moddy.example/billing'),
            buildRefundDm('fr', refund),
          ]),
      ),
      fuzzParameters('fr typography: DMs'),
    );
  });

  it('should keep every French mark with its word in member replies', () => {
    fc.assert(
      fc.property(
        fc.option(subscription),
        fc.constantFrom('applied' as const, 'pending_join' as const, 'queued' as const, 'not_applied' as const),
        fc.array(invoice, { maxLength: 12 }),
        fc.nat(3),
        (sub, premiumRole, invoices, page) => {
          const rows = invoices.map((inv, i) => ({
            id: String(i),
            state: ['pending', 'sent', 'dm_closed', 'dead'][i % 4],
            created_at: Date.parse(inv.created),
            payload: JSON.stringify(inv),
          })) as unknown as NotificationTable[];
          expectFrenchSpacing([
            buildSubscriptionView('fr', sub, { billingUrl: 'https://moddy.example/billing', premiumRole }),
            buildSubscriptionView('fr', sub, { subjectMention: '<@123456789012345678>' }),
            buildInvoicesView('fr', invoices, { page, ownerId: '1', subjectId: '1', limit: 100 }, '<@1>'),
            buildInboxView('fr', rows, (r) =>
              buildInvoiceDm('fr', 'invoice_paid', JSON.parse(r.payload) as InvoiceInfo),
            ),
          ]);
        },
      ),
      fuzzParameters('fr typography: member replies'),
    );
  });

  it('should keep every French mark with its word in refund replies and audit posts', () => {
    fc.assert(
      fc.property(
        confirmation,
        outcome,
        fc.constantFrom('sent' as const, 'dm_closed' as const, 'queued' as const, 'already' as const, undefined),
        fc.constantFrom('invalid' as const, 'tooSmall' as const, 'tooLarge' as const, 'tooManyDecimals' as const),
        fc.constantFrom<AuditOutcome>('refunded', 'rejected', 'provider_error', 'failed', 'unknown', 'notified'),
        (c, o, dm, problem, auditOutcome) =>
          expectFrenchSpacing([
            buildConfirmationView('fr', c),
            buildExpiredView('fr', c),
            buildCancelledView('fr', c),
            buildOutcomeView('fr', c, o, dm),
            textView(amountProblemText('fr', problem, c.currency)),
            textView(aboveInvoiceText('fr', c.invoiceAmount, { amount: c.invoiceAmount, currency: c.currency })),
            buildAuditMessage(
              'fr',
              {
                source: 'command',
                confirmationId: c.id,
                adminId: c.adminId,
                targetId: c.targetId,
                amount: c.amount,
                currency: c.currency,
                reason: c.reason,
                outcome: auditOutcome,
                refundId: c.refundId,
                detail: c.reason,
              },
              dm,
            ),
          ]),
      ),
      fuzzParameters('fr typography: refunds'),
    );
  });

  it('should keep every French mark with its word in the staff role tools', () => {
    fc.assert(
      fc.property(
        rolesResponse,
        plan,
        grant,
        fc.boolean(),
        fc.array(fc.record({ discordId: snowflake, roles: fc.array(snowflake), entitledTo: fc.array(plan) }), {
          maxLength: 12,
        }),
        fc.record({
          scope: fc.constantFrom('all' as const, 'holders' as const),
          source: fc.constantFrom('reads' as const, 'list' as const),
          checked: fc.nat(1000),
          skipped,
          drifts: fc.constant<Drift[]>([]),
        }),
        (roles, p, g, readable, held, scan) =>
          expectFrenchSpacing([
            buildRolesSyncView('fr', '<@1>', { plan: p, premium: true, entitled: [], roles }),
            buildGrantedView('fr', '<@1>', { kind: 'granted', grant: g, roles }),
            buildRevokedView('fr', '<@1>', {
              kind: 'revoked',
              grants: [g],
              roles: readable ? { plan: p, premium: false, entitled: [], roles } : undefined,
            }),
            buildBrakeMessage('fr', { id: 'sweep1' }, held, 5),
            buildBrakeDecidedMessage('fr', { kind: 'applied', by: '1', removed: 3, kept: 1, skipped: 0 }),
            buildBrakeDecidedMessage('fr', { kind: 'dismissed', by: '1' }),
            buildAuditView('fr', scan, { stoppedAfterMinutes: readable ? 14 : undefined }),
            buildSyncAllConfirm('fr', 5),
            buildSyncAllNote('fr', 'roleSyncAll.started', g.created_at),
            buildSyncAllNote('fr', 'roleSyncAll.busy', g.created_at),
            buildSyncAllNote('fr', 'roleSyncAll.cancelled'),
            buildSweepSummaryView('fr', {
              trigger: 'staff',
              scope: scan.scope,
              source: scan.source,
              checked: scan.checked,
              added: 1,
              removed: 2,
              heldBack: held.length,
              skipped: scan.skipped,
              durationMs: 1200,
            }),
          ]),
      ),
      fuzzParameters('fr typography: role tools'),
    );
  });

  it('should keep every French mark with its word in the support desk', () => {
    fc.assert(
      fc.property(
        memberNow,
        fc.array(historyItem, { maxLength: 15 }),
        fc.record({ day: counts, week: counts }),
        fc.array(deadRow, { maxLength: 10 }),
        (now, history, c, dead) =>
          expectFrenchSpacing([
            buildMemberView('fr', '1', 'now', { now }),
            buildMemberView('fr', '1', 'history', { history, retryable: { id: 'n1', action: 'subscription_created' } }),
            buildDeliveriesView('fr', c, { rows: dead, total: dead.length }, 0),
          ]),
      ),
      fuzzParameters('fr typography: support desk'),
    );
  });
});
