import { outcomeOfError, outcomeOfResponse, rejectionOf } from './refund-outcome';
import { BackendError } from '../backend/backend.errors';
import type { RefundConfirmation } from './refunds.repository';
import {
  aboveInvoiceText,
  alreadyText,
  amountProblemText,
  buildCancelledView,
  buildConfirmationView,
  buildExpiredView,
  buildOutcomeView,
  refundButtonId,
} from './refund-admin.view';
import { buildAuditMessage } from './refund-audit.view';
import { buildRefundDm } from '../dm/refund-dm';

const plain = (s: string | undefined) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

const confirmation: RefundConfirmation = {
  id: '1300000000000000001',
  adminId: '400000000000000009',
  targetId: '400000000000000002',
  amount: 500,
  currency: 'eur',
  invoiceId: 'in_1DemoBob000006',
  invoiceAmount: 999,
  invoiceCreated: '2026-11-10T09:00:00+00:00',
  reason: 'Downtime on 3 Nov',
  locale: 'en-US',
  state: 'pending',
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_000_060_000,
  refundId: null,
  amountRefunded: null,
};

describe('buildConfirmationView', () => {
  it('should show who, how much, which invoice and why, with Confirm and Cancel, in English', () => {
    const view = buildConfirmationView('en-US', confirmation);
    const embed = view.embeds[0];
    expect(embed.title).toBe('Confirm the refund');
    expect(embed.description).toBe(
      'Nothing is refunded until you press **Confirm refund**. These buttons expire <t:1700000060:R>.',
    );
    expect(embed.fields).toEqual([
      { name: 'Member', value: '<@400000000000000002>', inline: true },
      { name: 'Amount', value: '€5.00 (partial refund)', inline: true },
      { name: 'Invoice', value: '`in_1DemoBob000006` · <t:1794301200:D> · €9.99' },
      { name: 'Reason', value: 'Downtime on 3 Nov' },
    ]);
    expect(view.components[0].components).toEqual([
      {
        type: 2,
        style: 4,
        label: 'Confirm refund',
        custom_id: 'refund/confirm/1300000000000000001',
        disabled: false,
      },
      { type: 2, style: 2, label: 'Cancel', custom_id: 'refund/cancel/1300000000000000001', disabled: false },
    ]);
  });

  it('should say so in French, for a full refund without a reason', () => {
    const view = buildConfirmationView('fr', { ...confirmation, amount: null, reason: null });
    const embed = view.embeds[0];
    expect(embed.title).toBe('Confirmer le remboursement');
    expect(embed.fields?.map((f) => [f.name, plain(f.value)])).toEqual([
      ['Membre', '<@400000000000000002>'],
      ['Montant', '9,99 € (remboursement total)'],
      ['Facture', '`in_1DemoBob000006` · <t:1794301200:D> · 9,99 €'],
      ['Motif', 'Aucun'],
    ]);
    expect(view.components[0].components.map((b) => ('label' in b ? b.label : ''))).toEqual([
      'Confirmer le remboursement',
      'Annuler',
    ]);
  });

  it('should keep button ids within Discord limits', () => {
    expect(refundButtonId('confirm', '12345678901234567890').length).toBeLessThanOrEqual(100);
  });
});

describe('buildExpiredView', () => {
  it('should keep the details, say it expired in its title and text, and disable both buttons', () => {
    const view = buildExpiredView('fr', confirmation);
    const [embed] = view.embeds;
    expect(view.content).toBe('');
    expect(embed.title).toBe('Confirmation de remboursement expirée');
    expect(plain(embed.description ?? '')).toBe(
      'Il n’a pas été confirmé à temps : rien n’a été remboursé. Relancez `/admin refund` si besoin.',
    );
    expect(embed.fields).toEqual(buildConfirmationView('fr', confirmation).embeds[0].fields);
    expect(view.components[0].components.every((b) => b.disabled === true)).toBe(true);
    const en = buildExpiredView('en-US', confirmation).embeds[0];
    expect(en.title).toBe('Refund confirmation expired');
    expect(en.description).toBe(
      'It was not confirmed in time, so nothing was refunded. Run `/admin refund` again if needed.',
    );
  });
});

describe('buildCancelledView', () => {
  it('should keep the details, say it was canceled in its title and text, without buttons', () => {
    const view = buildCancelledView('en-US', confirmation);
    const [embed] = view.embeds;
    expect(view.content).toBe('');
    expect(embed.title).toBe('Refund canceled');
    expect(embed.description).toBe('You canceled it, so nothing was refunded.');
    expect(embed.fields).toEqual(buildConfirmationView('en-US', confirmation).embeds[0].fields);
    expect(view.components).toEqual([]);
    expect(buildCancelledView('fr', confirmation).embeds[0].title).toBe('Remboursement annulé');
  });
});

describe('amount refusals', () => {
  it('should explain each problem in the invoice currency and the admin language', () => {
    expect(amountProblemText('en-US', 'tooManyDecimals', 'eur')).toBe(
      'The amount can have at most 2 decimals, such as 12.50.',
    );
    expect(amountProblemText('fr', 'tooManyDecimals', 'eur')).toBe(
      'Le montant peut avoir au plus 2 décimales, par exemple 12,50.',
    );
    expect(amountProblemText('en-US', 'tooSmall', 'eur')).toBe('The amount must be at least €0.01.');
    expect(amountProblemText('en-US', 'tooLarge', 'eur')).toBe('The amount can be at most €100,000.00.');
    expect(plain(amountProblemText('fr', 'tooLarge', 'eur'))).toBe('Le montant ne peut pas dépasser 100 000,00 €.');
    expect(amountProblemText('en-US', 'invalid', 'eur')).toBe('The amount must be a number such as 12.50.');
    expect(aboveInvoiceText('en-US', 5000, { amount: 999, currency: 'eur' })).toBe(
      'You asked to refund €50.00, more than the last paid invoice (€9.99). Nothing was refunded.',
    );
  });
});

describe('buildOutcomeView', () => {
  it('should show the refund id, amount and DM outcome on success', () => {
    const view = buildOutcomeView(
      'en-US',
      confirmation,
      { kind: 'refunded', refundId: 're_1', amountRefunded: 500 },
      'sent',
    );
    expect(view.components).toEqual([]);
    expect(view.embeds[0]).toMatchObject({
      title: 'Refund made',
      description: '€5.00 was refunded to <@400000000000000002>.\n<@400000000000000002> was told by DM.',
    });
    expect(view.embeds[0].fields).toContainEqual({ name: 'Refund id', value: '`re_1`', inline: true });
    expect(
      plain(
        buildOutcomeView('fr', confirmation, { kind: 'refunded', refundId: 're_1', amountRefunded: 500 }, 'dm_closed')
          .embeds[0].description,
      ),
    ).toBe(
      '5,00 € a été remboursé à <@400000000000000002>.\n<@400000000000000002> n’a pas pu être prévenu : ses messages privés sont fermés.',
    );
  });

  it('should word each known backend refusal, and show an unknown one as it came', () => {
    const rejected = (message: string, locale: 'en-US' | 'fr' = 'en-US') =>
      buildOutcomeView(locale, confirmation, outcomeOfResponse({ success: false, message, refunded: false })).embeds[0];
    expect(rejected('No customer found for this Discord ID').description).toBe(
      '<@400000000000000002> has no customer account at the payment provider. Nothing was refunded.',
    );
    expect(rejected('No paid invoice found to refund', 'fr').description).toBe(
      'Le prestataire de paiement n’a trouvé aucune facture payée à rembourser pour <@400000000000000002>. Rien n’a été remboursé.',
    );
    expect(rejected('No payment intent found for this invoice').description).toContain('no payment that can be');
    expect(rejected('Refund amount (500) is greater than unrefunded amount on charge (499)').description).toContain(
      'more than what is left to refund',
    );
    expect(rejected('Card network offline')).toEqual({
      title: 'Refund not made',
      description: 'The refund was refused. Nothing was refunded.\nBackend message: Card network offline',
      color: 0xed4245,
    });
  });

  it('should show a provider error with its detail, and an unknown outcome with a warning', () => {
    const provider = outcomeOfError(
      new BackendError('server', '/r', 'HTTP 500', true, 500, 'Stripe error: card_declined'),
    );
    expect(buildOutcomeView('en-US', confirmation, provider).embeds[0].description).toBe(
      'The payment provider reported an error and the refund was not made.\nDetail: Stripe error: card_declined',
    );
    const unknown = outcomeOfError(new BackendError('timeout', '/r', 'timed out', true));
    const embed = buildOutcomeView('fr', confirmation, unknown).embeds[0];
    expect(embed.title).toBe('Issue du remboursement inconnue');
    expect(embed.description).toContain('Vérifiez le tableau de bord des paiements avant de réessayer');
  });
});

describe('refund outcomes', () => {
  it('should treat only answers proving no work as failures', () => {
    expect(outcomeOfError(new BackendError('timeout', '/r', 'x', true)).kind).toBe('unknown');
    expect(outcomeOfError(new BackendError('network', '/r', 'ECONNRESET', true)).kind).toBe('unknown');
    expect(outcomeOfError(new BackendError('invalid_response', '/r', 'x', false, 200)).kind).toBe('unknown');
    expect(outcomeOfError(new BackendError('server', '/r', 'HTTP 502', true, 502)).kind).toBe('unknown');
    expect(outcomeOfError(new Error('boom')).kind).toBe('unknown');
    expect(outcomeOfError(new BackendError('server', '/r', 'HTTP 500', true, 500, 'Stripe error: x'))).toEqual({
      kind: 'provider_error',
      detail: 'Stripe error: x',
    });
    expect(outcomeOfError(new BackendError('auth', '/r', 'HTTP 403', false, 403, 'Invalid secret'))).toEqual({
      kind: 'failed',
      detail: 'Invalid secret',
    });
  });

  it('should read a successful answer', () => {
    expect(
      outcomeOfResponse({
        success: true,
        message: 'ok',
        refunded: true,
        refund_id: 're_1',
        amount_refunded: 999,
      }),
    ).toEqual({ kind: 'refunded', refundId: 're_1', amountRefunded: 999 });
    expect(rejectionOf('Charge for invoice in_1 has already been refunded')).toBe('alreadyRefunded');
  });
});

describe('alreadyText', () => {
  it('should tell a second click what happened to the confirmation', () => {
    expect(alreadyText('en-US', 'sending')).toContain('already being sent');
    expect(alreadyText('en-US', 'refunded')).toBe(
      'This refund request was already handled. Run `/admin refund` again if needed.',
    );
    expect(alreadyText('fr', 'cancelled')).toBe('Ce remboursement a été annulé et rien n’a été remboursé.');
  });
});

describe('buildRefundDm', () => {
  it('should tell the amount and the bank delay, without the staff reason', () => {
    const en = buildRefundDm('en-US', { amount: 500, currency: 'eur', refundId: 're_1' });
    expect(en.embeds?.[0]).toMatchObject({
      title: 'You have been refunded',
      description:
        'We refunded €5.00 to your original payment method. Banks usually take 5 to 10 business days to show it on your statement.',
      fields: [
        { name: 'Amount', value: '€5.00', inline: true },
        { name: 'Refund reference', value: '`re_1`', inline: true },
      ],
    });
    expect(en.allowed_mentions).toEqual({ parse: [] });
    const fr = buildRefundDm('fr', { amount: 999, currency: 'eur', refundId: null });
    expect(plain(fr.embeds?.[0].description)).toBe(
      'Nous avons remboursé 9,99 € sur votre moyen de paiement d’origine. Les banques mettent en général 5 à 10 jours ouvrés à l’afficher sur votre relevé.',
    );
    expect(fr.embeds?.[0].fields).toHaveLength(1);
  });
});

describe('buildAuditMessage', () => {
  const entry = {
    source: 'command' as const,
    confirmationId: confirmation.id,
    adminId: confirmation.adminId,
    targetId: confirmation.targetId,
    amount: 500,
    currency: 'eur',
    reason: 'Downtime',
    outcome: 'refunded' as const,
    refundId: 're_1',
    detail: null,
  };

  it('should name who, whom, how much, why and the result, without pinging anyone', () => {
    const message = buildAuditMessage('en-US', entry, 'sent');
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds?.[0].title).toBe('Refund made');
    expect(message.embeds?.[0].fields).toEqual([
      { name: 'Staff', value: '<@400000000000000009> (`400000000000000009`)', inline: true },
      { name: 'Member', value: '<@400000000000000002> (`400000000000000002`)', inline: true },
      { name: 'Amount', value: '€5.00', inline: true },
      { name: 'Reason', value: 'Downtime' },
      { name: 'Result', value: '✅ Refunded' },
      { name: 'Refund id', value: '`re_1`', inline: true },
      { name: 'DM', value: 'Sent', inline: true },
    ]);
  });

  it('should post the reason and ids without controls or bidirectional overrides, line breaks kept', () => {
    const message = buildAuditMessage('en-US', {
      ...entry,
      reason: 'line\u202e one\r\nline\u0007 two',
      refundId: 're\u2066_1',
    });
    const values = message.embeds?.[0].fields?.map((f) => f.value);
    expect(values).toContain('line one\nline two');
    expect(values).toContain('`re_1`');
  });

  it('should record failures and refunds made outside Discord, in French too', () => {
    const failed = buildAuditMessage('fr', {
      ...entry,
      amount: null,
      outcome: 'provider_error',
      refundId: null,
      detail: 'Stripe error: x',
    });
    expect(failed.embeds?.[0].title).toBe('Échec du remboursement chez le prestataire de paiement');
    expect(failed.embeds?.[0].fields?.map((f) => f.value)).toEqual([
      '<@400000000000000009> (`400000000000000009`)',
      '<@400000000000000002> (`400000000000000002`)',
      'Toute la dernière facture payée',
      'Downtime',
      '⚠️ Erreur du prestataire de paiement\u202f: Stripe error: x',
    ]);
    const outside = buildAuditMessage('en-US', { ...entry, source: 'notify', adminId: null, outcome: 'notified' });
    expect(outside.embeds?.[0].title).toBe('Refund issued outside Discord');
    expect(outside.embeds?.[0].fields?.[0].value).toBe('Payment dashboard');
  });
});
