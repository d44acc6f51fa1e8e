import { discordTimestamp, formatMoney, planName } from './format';

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('should format minor units for the locale and currency', () => {
    expect(nbsp(formatMoney('fr', 9900, 'eur'))).toBe('99,00 €');
    expect(formatMoney('en-US', 9900, 'eur')).toBe('€99.00');
    expect(formatMoney('en-US', 999, 'usd')).toBe('$9.99');
    expect(nbsp(formatMoney('fr', 123456, 'eur'))).toBe('1 234,56 €');
  });

  it('should respect currencies without decimals', () => {
    expect(formatMoney('en-US', 500, 'jpy')).toBe('¥500');
  });

  it('should never print NaN for an unknown currency', () => {
    const text = formatMoney('en-US', 1250, 'zz');
    expect(text).toBe('12.50 ZZ');
  });
});

describe('discordTimestamp', () => {
  it('should build Discord timestamp tags from ISO dates', () => {
    expect(discordTimestamp('2025-01-01T00:00:00+00:00', 'D')).toBe('<t:1735689600:D>');
    expect(discordTimestamp('2025-01-01T00:00:00+00:00', 'R')).toBe('<t:1735689600:R>');
  });

  it('should give undefined for an unreadable date', () => {
    expect(discordTimestamp('not a date', 'D')).toBeUndefined();
  });
});

describe('planName', () => {
  it('should use the catalogue, else make the id readable', () => {
    expect(planName('fr', 'free')).toBe('Gratuit');
    expect(planName('en-US', 'moddy_max')).toBe('Moddy Max');
    expect(planName('en-US', 'moddy_pro_plus')).toBe('Moddy Pro Plus');
  });
});
