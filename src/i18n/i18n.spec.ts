import fc from 'fast-check';
import { enUS } from './en-US';
import { fr } from './fr';
import { frenchSpacingProblems } from './french-typography';
import {
  CATALOGUES,
  catalogueEntries,
  catalogueMismatches,
  placeholdersOf,
  resolveLocale,
  translate,
  type MessageKey,
} from './i18n';

describe('locale catalogues', () => {
  it('should have exactly the same keys and the same placeholders per key in every language', () => {
    for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
      expect({ locale, mismatches: catalogueMismatches(enUS, catalogue) }).toEqual({ locale, mismatches: [] });
    }
  });

  it('should have no empty message', () => {
    for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
      const empty = [...catalogueEntries(catalogue)].filter(([, text]) => text.trim() === '').map(([key]) => key);
      expect({ locale, empty }).toEqual({ locale, empty: [] });
    }
  });

  it('should set every French mark off with a no-break space (none that Discord could wrap)', () => {
    const problems = [...catalogueEntries(fr)].flatMap(([key, text]) =>
      frenchSpacingProblems(text).map((p) => `${key}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('should keep the French messages right once their placeholders are filled', () => {
    // Values as views pass them: names, amounts as Intl writes them, Discord timestamps and mentions.
    const value = fc.constantFrom('Moddy Max', '12,50 €', '<t:1796000000:D>', '<@123456789012345678>', '3', 'x');
    fc.assert(
      fc.property(fc.constantFrom(...catalogueEntries(fr)), value, ([key, text], v) => {
        const params = Object.fromEntries(placeholdersOf(text).map((p) => [p.slice(1, -1), v]));
        expect({ key, problems: frenchSpacingProblems(translate('fr', key as MessageKey, params)) }).toEqual({
          key,
          problems: [],
        });
      }),
    );
  });
});

describe('catalogueMismatches', () => {
  it('should name each key that is missing, extra, or has other placeholders', () => {
    const reference = { a: { b: 'Paid {amount} on {date}', c: 'Hello' }, d: '{user}' };
    const other = { a: { b: 'Payé {amount}', e: 'Salut' }, d: '{user} {user}' };
    expect(catalogueMismatches(reference, other)).toEqual([
      'a.b: placeholders [{amount}] instead of [{amount} {date}]',
      'a.c: missing',
      'a.e: not in the reference catalogue',
    ]);
  });
});

describe('frenchSpacingProblems', () => {
  const N = '\u202f';
  it('should accept no-break spaces before the marks and inside guillemets', () => {
    expect(frenchSpacingProblems(`Statut${N}: actif${N}; merci${N}! Vraiment${N}? «${N}Oui${N}»`)).toEqual([]);
    expect(frenchSpacingProblems('Statut\u00a0: actif')).toEqual([]);
  });

  it('should report a plain space, or none, before a mark', () => {
    expect(frenchSpacingProblems('Statut : actif')).toEqual(['plain space before ":" in "Statut : actif"']);
    expect(frenchSpacingProblems('Merci !')).toEqual(['plain space before "!" in "Merci !"']);
    expect(frenchSpacingProblems('Merci!')).toEqual(['no space before "!" in "Merci!"']);
    expect(frenchSpacingProblems('Raison: test')).toEqual(['no space before ":" in "Raison: test"']);
    expect(frenchSpacingProblems('« Oui »')).toEqual([
      'plain space before "»" in "« Oui »"',
      'no no-break space after "«" in "« Oui »"',
    ]);
  });

  it('should leave alone what is not punctuation: times, URLs, code, Discord tags, emoji', () => {
    expect(
      frenchSpacingProblems('à 14:00 <t:1796000000:R> https://x.y/a?b=1 `/admin refund` :white_check_mark: <@&1>'),
    ).toEqual([]);
  });

  it('should find every plain space put before a mark in any text', () => {
    const word = fc.stringMatching(/^[a-zé]{1,8}$/);
    fc.assert(
      fc.property(word, fc.constantFrom(':', ';', '!', '?', '»'), word, (a, mark, b) => {
        expect(frenchSpacingProblems(`${a} ${mark} ${b}`)).toHaveLength(1);
        expect(frenchSpacingProblems(`${a}${N}${mark} ${b}`)).toEqual([]);
      }),
    );
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
      'Bienvenue dans Moddy Max\u202f!',
    );
    expect(translate('en-US', 'notify.title.subscription_created')).toBe('Welcome to {plan}!');
  });
});
