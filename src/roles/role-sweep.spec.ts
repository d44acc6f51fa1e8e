import fc from 'fast-check';
import { buildBrakeMessage } from '../role-truth/brake-post.view';
import type { Drift, HeldRemoval, SweepScan } from '../role-truth/role-sweep.types';
import { parseGrantDuration } from './premium.service';
import { buildAuditView } from './role-sweep.view';

describe('parseGrantDuration', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('should read days, weeks, months and years up to one year', () => {
    expect(parseGrantDuration('7d')).toBe(7 * DAY);
    expect(parseGrantDuration(' 4W ')).toBe(28 * DAY);
    expect(parseGrantDuration('6m')).toBe(180 * DAY);
    expect(parseGrantDuration('1y')).toBe(365 * DAY);
    expect(parseGrantDuration('366d')).toBe(366 * DAY);
  });

  it('should refuse anything else', () => {
    for (const text of ['', '0d', '2y', '367d', '13m', '1.5d', 'd7', '7', '7 days', '-1d']) {
      expect([text, parseGrantDuration(text)]).toEqual([text, undefined]);
    }
  });
});

describe('sweep views within Discord limits (property)', () => {
  const snowflake = fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n }).map(String);
  const plans = fc.array(fc.constantFrom('moddy_max', 'moddy_pro', 'x'.repeat(64)), { maxLength: 3 });

  it('should keep the brake post and the audit view under the embed limits for any number of members', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ discordId: snowflake, roles: fc.array(snowflake, { maxLength: 5 }), entitledTo: plans }), {
          maxLength: 300,
        }),
        fc.constantFrom('en-US', 'fr' as const),
        (held: HeldRemoval[], locale) => {
          const post = buildBrakeMessage(locale, { id: 's1' }, held, 10);
          const embed = post.embeds?.[0];
          expect((embed?.title ?? '').length).toBeLessThanOrEqual(256);
          expect((embed?.description ?? '').length).toBeLessThanOrEqual(4096);
          const drifts: Drift[] = held.map((h) => ({
            discordId: h.discordId,
            entitled: h.entitledTo.map((plan) => ({ source: 'subscription' as const, plan })),
            held: undefined,
            add: [],
            remove: h.roles,
            basedOnVersion: 0,
            readAt: 0,
          }));
          const scan: SweepScan = {
            scope: 'all',
            source: 'reads',
            checked: held.length,
            skipped: { backend_error: 0, left: 0, outdated: 0 },
            drifts,
          };
          const audit = buildAuditView(locale, scan);
          expect((audit.embeds[0].description ?? '').length).toBeLessThanOrEqual(4096);
          expect(audit.components.length).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 100 },
    );
  });
});
