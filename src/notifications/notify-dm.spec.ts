import { buildNotifyDm, withoutPersonalData } from './notify-dm';

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
