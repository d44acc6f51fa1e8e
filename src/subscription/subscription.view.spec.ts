import { SUBSCRIPTION_STATUSES, type SubscriptionInfo } from '../backend/dto/subscription-info.response';
import { buildSubscriptionView } from './subscription.view';

const base: SubscriptionInfo = {
  subscription_id: 'sub_1',
  customer_id: 'cus_1',
  status: 'active',
  subscription_type: 'yearly',
  current_period_start: '2024-01-01T00:00:00+00:00',
  current_period_end: '2025-01-01T00:00:00+00:00',
  cancel_at_period_end: false,
  amount: 9900,
  currency: 'eur',
};
const BILLING = 'https://moddy.example/billing';
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('buildSubscriptionView', () => {
  it('should show an active yearly subscription in English', () => {
    const view = buildSubscriptionView('en-US', base, { billingUrl: BILLING });
    const embed = view.embeds[0];
    expect(embed.title).toBe('Your Moddy subscription');
    expect(embed.fields).toEqual([
      { name: 'Status', value: '🟢 Active', inline: true },
      { name: 'Billing', value: 'Yearly', inline: true },
      { name: 'Price', value: '€99.00 per year', inline: true },
      { name: 'Renews', value: '<t:1735689600:D> (<t:1735689600:R>)' },
    ]);
    expect(embed.description).toBeUndefined();
    expect(view.components[0].components).toEqual([{ type: 2, style: 5, label: 'Manage subscription', url: BILLING }]);
  });

  it('should show the same in French with French number formatting', () => {
    const embed = buildSubscriptionView('fr', base).embeds[0];
    expect(embed.title).toBe('Votre abonnement Moddy');
    expect(embed.fields?.map((f) => plain(f.value))).toEqual([
      '🟢 Actif',
      'Annuel',
      '99,00 € par an',
      '<t:1735689600:D> (<t:1735689600:R>)',
    ]);
  });

  it.each(SUBSCRIPTION_STATUSES.map((s) => [s]))('should give status %s a badge in both languages', (status) => {
    for (const locale of ['en-US', 'fr'] as const) {
      const value = buildSubscriptionView(locale, { ...base, status }).embeds[0].fields?.[0].value ?? '';
      expect(value).not.toMatch(/subscription\.status|undefined/);
      expect(value.length).toBeGreaterThan(2);
    }
  });

  it('should warn about a past due payment and offer to update the payment method', () => {
    const view = buildSubscriptionView('en-US', { ...base, status: 'past_due' }, { billingUrl: BILLING });
    expect(view.embeds[0].description).toContain('The last payment failed');
    expect(view.components[0].components.map((b) => ('label' in b ? b.label : ''))).toEqual([
      'Update payment method',
      'Manage subscription',
    ]);
  });

  it('should say when a cancellation is scheduled and call the period end an end', () => {
    const view = buildSubscriptionView('fr', {
      ...base,
      subscription_type: 'monthly',
      amount: 999,
      cancel_at_period_end: true,
    });
    expect(plain(view.embeds[0].description ?? '')).toBe(
      'Résiliation programmée : l’abonnement prend fin le <t:1735689600:D> et ne sera pas renouvelé.',
    );
    expect(view.embeds[0].fields?.[3].name).toBe('Fin');
    expect(plain(view.embeds[0].fields?.[2].value ?? '')).toBe('9,99 € par mois');
  });

  it('should offer no buttons without BILLING_URL', () => {
    expect(buildSubscriptionView('en-US', { ...base, status: 'past_due' }).components).toEqual([]);
  });

  it('should answer a user without subscription kindly, with the billing button when configured', () => {
    const view = buildSubscriptionView('en-US', null, { billingUrl: BILLING });
    expect(view.embeds[0].description).toContain('You do not have a Moddy subscription yet');
    expect(view.components[0].components[0]).toMatchObject({ label: 'Subscribe', url: BILLING });
    expect(buildSubscriptionView('fr', null).embeds[0].description).toContain('pas encore d’abonnement');
  });

  it('should name the member when staff look at someone else, without billing links', () => {
    const view = buildSubscriptionView('en-US', base, { billingUrl: BILLING, subjectMention: '<@42>' });
    expect(view.embeds[0].title).toBe('Subscription of <@42>');
    expect(view.components).toEqual([]);
    expect(buildSubscriptionView('en-US', null, { subjectMention: '<@42>' }).embeds[0].description).toBe(
      '<@42> has no Moddy subscription.',
    );
  });
});
