import { buildRefundDm } from './refund-dm';
import { NOTIFY_ACTIONS } from './dm-kinds';
import { buildInvoiceDm } from './invoice-dm';
import { buildNotifyDm, withoutPersonalData } from './subscription-dm';

const metadata = {
  subscription_id: 'sub_1ABC23DEF456GHI',
  subscription_type: 'yearly',
  amount: 9900,
  currency: 'eur',
  email: 'user@example.com',
  phone: '+33 6 12 34 56 78',
  current_period_end: '2025-01-01T00:00:00+00:00',
};

describe('buildNotifyDm', () => {
  it('should build the English DM for a new subscription', () => {
    const body = buildNotifyDm('en-US', { action: 'subscription_created', plan: 'moddy_max', metadata });
    const embed = body.embeds![0];
    expect(embed.title).toBe('Welcome to Moddy Max!');
    expect(embed.fields).toEqual([
      { name: 'Plan', value: 'Moddy Max', inline: true },
      { name: 'Billing', value: 'Yearly', inline: true },
      { name: 'Amount', value: '€99.00', inline: true },
      { name: 'Current period ends', value: '<t:1735689600:D> (<t:1735689600:R>)' },
    ]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('should show a plan name without controls or bidirectional overrides in the title and fields', () => {
    const body = buildNotifyDm('en-US', { action: 'plan_upgraded', plan: 'moddy\u202e_xam\u0085', metadata });
    expect(body.embeds![0].title).toBe('Your plan was upgraded to Moddy Xam');
    expect(body.embeds![0].fields![0]).toEqual({ name: 'Plan', value: 'Moddy Xam', inline: true });
  });

  it('should build the French DM', () => {
    const body = buildNotifyDm('fr', { action: 'subscription_cancelled', plan: 'moddy_max', metadata });
    const embed = body.embeds![0];
    expect(embed.title).toBe('Votre abonnement a été résilié');
    expect(embed.fields?.map((f) => f.name)).toEqual(['Offre', 'Facturation', 'Montant', 'Fin de la période en cours']);
    expect(embed.fields?.[2].value.replace(/[\u00a0\u202f]/g, ' ')).toBe('99,00 €');
  });

  it('should never carry e-mail or phone, even inside the message', () => {
    const body = buildNotifyDm('en-US', {
      action: 'subscription_updated',
      metadata: { ...metadata, message: 'Receipt sent to user@example.com, call +33 6 12 34 56 78' },
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain('user@example.com');
    expect(text).not.toContain('12 34 56');
    expect(body.embeds![0].fields?.at(-1)).toEqual({ name: 'Message', value: 'Receipt sent to […], call […]' });
  });

  it('should skip fields whose metadata is absent or malformed, never showing undefined', () => {
    const body = buildNotifyDm('en-US', {
      action: 'plan_upgraded',
      plan: null,
      metadata: { amount: '99', currency: 'eur', current_period_end: 'soon' },
    });
    expect(body.embeds![0].fields).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/undefined|NaN/);
    expect(body.embeds![0].title).toBe('Your plan was upgraded to Moddy');
  });
});

describe('withoutPersonalData', () => {
  it('should keep ordinary text', () => {
    expect(withoutPersonalData('Thanks for being with us in 2025!')).toBe('Thanks for being with us in 2025!');
  });
});

describe('every DM, in both languages', () => {
  const SMALL = new Set([
    'your',
    'votre',
    'vous',
    'have',
    'been',
    'this',
    'that',
    'cette',
    'with',
    'avec',
    'pour',
    'moddy',
  ]);
  /** The words a reader would notice said twice: longer ones, lowercased, by their first six letters. */
  const stems = (text: string) =>
    new Set(
      (text.toLowerCase().match(/\p{L}+/gu) ?? [])
        .filter((w) => w.length > 3 && !SMALL.has(w))
        .map((w) => w.slice(0, 6)),
    );
  /** Whether the first sentence of the text says the title again: most of its words, and at least two. */
  function repeatsTitle(title: string, description: string): boolean {
    const first = stems(description.split(/(?<=[.!?])\s/)[0] ?? '');
    const titled = [...stems(title)];
    const again = titled.filter((w) => first.has(w)).length;
    return again >= 2 && again / titled.length > 0.5;
  }
  const locales = ['en-US', 'fr'] as const;
  const dms = locales.flatMap((locale) => [
    ...NOTIFY_ACTIONS.map((action) => ({
      locale,
      what: action,
      dm: buildNotifyDm(locale, { action, plan: 'moddy_max', metadata }),
    })),
    ...(['invoice_paid', 'payment_failed'] as const).map((event) => ({
      locale,
      what: event,
      dm: buildInvoiceDm(locale, event, {
        amount: 999,
        currency: 'eur',
        created: '2026-11-01T00:00:00Z',
        invoice_pdf: null,
      }),
    })),
    {
      locale,
      what: 'nothing_charged',
      dm: buildInvoiceDm(locale, 'invoice_paid', {
        amount: 0,
        currency: 'eur',
        created: '2026-11-01T00:00:00Z',
        invoice_pdf: null,
      }),
    },
    { locale, what: 'refund', dm: buildRefundDm(locale, { amount: 250, currency: 'eur', refundId: 're_1' }) },
  ]);

  it.each(dms)('should not open the $what DM ($locale) by saying its title again', ({ dm }) => {
    const [embed] = dm.embeds ?? [];
    expect(repeatsTitle(embed.title ?? '', embed.description ?? '')).toBe(false);
  });

  it('should tell a cancellation apart from its title: what the member keeps', () => {
    const en = buildNotifyDm('en-US', { action: 'subscription_cancelled', metadata }).embeds![0];
    expect(en.title).toBe('Your subscription was canceled');
    expect(en.description).toBe('You keep what you paid for until the end of the current period.');
    const fr = buildNotifyDm('fr', { action: 'subscription_cancelled', metadata }).embeds![0];
    expect(fr.title).toBe('Votre abonnement a été résilié');
    expect(fr.description).toBe('Vous gardez ce que vous avez payé jusqu’à la fin de la période en cours.');
    // The old wording said the title again: the measure above would catch it.
    expect(repeatsTitle(en.title ?? '', 'Your subscription has been cancelled. You keep what you paid for.')).toBe(
      true,
    );
    expect(repeatsTitle('Paiement reçu', 'Nous avons bien reçu votre paiement de 9,99 €. Merci !')).toBe(true);
  });
});
