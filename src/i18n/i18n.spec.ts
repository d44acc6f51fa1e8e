import { enUS } from './en-US';
import { fr } from './fr';
import { CATALOGUES, catalogueKeys, resolveLocale, translate } from './i18n';

describe('locale catalogues', () => {
  it('should have exactly the same keys in every language', () => {
    const reference = catalogueKeys(enUS).sort();
    for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
      expect({ locale, keys: catalogueKeys(catalogue).sort() }).toEqual({ locale, keys: reference });
    }
  });

  it('should use the same placeholders in every language', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of catalogueKeys(enUS)) {
      const en = translate('en-US', key as never);
      const french = translate('fr', key as never);
      expect({ key, p: placeholders(french) }).toEqual({ key, p: placeholders(en) });
    }
  });

  it('should have no empty message', () => {
    for (const catalogue of [enUS, fr]) {
      for (const key of catalogueKeys(catalogue))
        expect({ key, empty: translate('fr', key as never) === '' }).toEqual({ key, empty: false });
    }
  });
});

describe('resolveLocale', () => {
  it('should map Discord locales to a catalogue, else the fallback', () => {
    expect(resolveLocale('fr', 'en-US')).toBe('fr');
    expect(resolveLocale('en-GB', 'fr')).toBe('en-US');
    expect(resolveLocale('en-US', 'fr')).toBe('en-US');
    expect(resolveLocale('de', 'fr')).toBe('fr');
    expect(resolveLocale(undefined, 'en-US')).toBe('en-US');
  });
});

describe('translate', () => {
  it('should fill placeholders and leave unknown ones visible', () => {
    expect(translate('fr', 'notify.title.subscription_created', { plan: 'Moddy Max' })).toBe(
      'Bienvenue dans Moddy Max !',
    );
    expect(translate('en-US', 'notify.title.subscription_created')).toBe('Welcome to {plan}!');
  });
});
