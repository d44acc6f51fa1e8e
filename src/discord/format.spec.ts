import { discordTimestamp, formatMoney, minorUnitDigits, planName } from './format';

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
    expect(nbsp(formatMoney('fr', 123456, 'jpy'))).toBe('123 456 JPY');
  });

  it('should read three-decimal currencies right in both languages', () => {
    expect(nbsp(formatMoney('en-US', 5125, 'kwd'))).toBe('KWD 5.125');
    expect(nbsp(formatMoney('fr', 5125, 'kwd'))).toBe('5,125 KWD');
    expect(nbsp(formatMoney('fr', 1234500, 'kwd'))).toBe('1 234,500 KWD');
  });

  it('should read a zero amount in every kind of currency', () => {
    expect(formatMoney('en-US', 0, 'eur')).toBe('€0.00');
    expect(formatMoney('en-US', 0, 'jpy')).toBe('¥0');
    expect(nbsp(formatMoney('fr', 0, 'kwd'))).toBe('0,000 KWD');
  });

  it("should read Stripe's two-decimal amounts of currencies Intl shows without decimals", () => {
    // Stripe sends 5 ISK as 500 and 1,234.56 HUF as 123456.
    expect(nbsp(formatMoney('en-US', 500, 'isk'))).toBe('ISK 5');
    expect(nbsp(formatMoney('en-US', 123456, 'huf'))).toBe('HUF 1,234.56');
    expect(nbsp(formatMoney('fr', 1500000, 'idr'))).toBe('15 000 IDR');
  });

  it('should never print NaN for an unknown currency', () => {
    const text = formatMoney('en-US', 1250, 'zz');
    expect(text).toBe('12.50 ZZ');
  });
});

describe('minorUnitDigits', () => {
  it("should count the decimals of a currency's minor units as Stripe does, 2 for an unknown code", () => {
    expect(['eur', 'jpy', 'KWD', 'isk', 'huf', 'ugx', 'zz'].map(minorUnitDigits)).toEqual([2, 0, 3, 2, 2, 0, 2]);
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
