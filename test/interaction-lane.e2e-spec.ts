import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { manyMembersSim } from './support/role-world';

const COUNT = 200;
const names = Array.from({ length: COUNT }, (_, i) => `q${i}`);

/**
 * Commands during a burst (issue 23): Discord does not count interaction replies, follow-ups and edits against
 * the bot's global 50 requests/s, so a command's final reply does not wait for a burst of DMs; asserted by the
 * order of the requests at the simulator, not by time (that the edit skips discord.js's global queue is
 * src/discord/interaction-lane.spec.ts). `/subscription` run in the server reads nothing of Discord.
 */
describe('commands during a burst of DMs', () => {
  let h: Harness;
  const options: HarnessOptions = {};

  beforeAll(async () => {
    options.sim = await manyMembersSim(names);
  });
  useHarness((harness) => (h = harness), options);
  afterAll(() => options.sim?.stop());

  it("should send a command's final reply while the burst's DMs are still queued, reading nothing of Discord for it", async () => {
    await h.sim.setRateLimits({ enabled: true, globalPerSecond: 50, perRoute: { limit: 1_000_000, windowMs: 1000 } });
    // 200 notifications at once: 400 requests (open the DM, send) at 50/s, about 8 s of queue.
    const burst = Promise.all(
      names.map((name) =>
        h.call('/internal/notify', {
          discord_id: h.sim.userId(name),
          action: 'subscription_updated',
          metadata: { event_id: `evt_lane_${name}` },
        }),
      ),
    );
    await h.sim.waitForArrivals({ route: 'POST /channels/*/messages' });
    // bob pays and holds the premium role: the command needs no role change.
    const view = await (await h.sim.slash({ user: 'bob', name: 'subscription' })).waitForFinal(30000);
    expect(view.embeds[0]?.title).toBe('Votre abonnement Moddy'); // bob's Discord is in French
    const [reply] = await h.sim.requests({ route: 'PATCH /webhooks/*/*/messages/*' });
    const sentBefore = (await h.sim.requests({ route: 'POST /channels/*/messages' })).filter((r) => r.seq < reply.seq);
    await burst;
    await h.sim.waitForArrivals({ route: 'POST /channels/*/messages' }, COUNT, 30000);
    // The reply went out while most of the burst was still queued behind the global limit.
    expect(sentBefore.length).toBeLessThan(COUNT / 2);
    // The member's roles came with the interaction: no read of the member for the command.
    const memberReads = await h.sim.requests({ route: `GET /guilds/*/members/${h.sim.userId('bob')}` });
    expect(memberReads).toEqual([]);
  }, 60000);
});
