import { EventEmitter } from 'node:events';
import type { Client } from 'discord.js';
import fc from 'fast-check';
import { GatewayOutageWatch, OUTAGE_SWEEP_AFTER_MS } from './gateway-outage.watch';
import { parseGrantDuration } from './premium.service';
import type { RoleSweeper } from './role-sweep.service';
import type { Drift, HeldRemoval, SweepScan } from './role-sweep.types';
import { buildAuditView, buildBrakeMessage } from './role-sweep.view';

describe(GatewayOutageWatch.name, () => {
  const setup = () => {
    const requests: string[] = [];
    const sweeper = {
      request: (trigger: string) => {
        requests.push(trigger);
        return Promise.resolve({});
      },
    } as unknown as RoleSweeper;
    const watch = new GatewayOutageWatch(new EventEmitter() as unknown as Client, sweeper);
    return { watch, requests };
  };

  it('should ask for a sweep when a new session follows an outage longer than five minutes', async () => {
    const { watch, requests } = setup();
    watch.lost(0);
    watch.lost(60_000); // the outage started at the first loss
    expect(await watch.newSession(OUTAGE_SWEEP_AFTER_MS + 1)).toBe(true);
    expect(requests).toEqual(['outage']);
  });

  it('should not sweep after a short outage, nor at the first login', async () => {
    const { watch, requests } = setup();
    expect(await watch.newSession(10)).toBe(false);
    watch.lost(0);
    expect(await watch.newSession(OUTAGE_SWEEP_AFTER_MS)).toBe(false);
    expect(requests).toEqual([]);
  });

  it("should follow each shard on its own: another shard's new session does not end an outage", async () => {
    const { watch, requests } = setup();
    watch.lost(0, 1);
    expect(await watch.newSession(OUTAGE_SWEEP_AFTER_MS + 1, 0)).toBe(false);
    expect(await watch.newSession(OUTAGE_SWEEP_AFTER_MS + 2, 1)).toBe(true);
    expect(requests).toEqual(['outage']);
  });
});

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
