import { EventEmitter } from 'node:events';
import type { Client } from 'discord.js';
import { GatewayOutageWatch, OUTAGE_SWEEP_AFTER_MS } from './gateway-outage.watch';
import type { RoleSweeper } from './role-sweep.service';

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
