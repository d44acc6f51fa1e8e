import { DiscordRequestBudget, INVALID_REQUESTS_LIMIT, routeGroup } from './discord-request-budget';
import { Metrics } from './metrics.service';

const answer = (status: number, shared = false) => ({ status, shared, route: 'channels/:id/messages' });

describe('DiscordRequestBudget', () => {
  it('should count 401, 403 and 429 but shared-scope ones, over a sliding 10 minutes', () => {
    const budget = new DiscordRequestBudget(new Metrics());
    const t0 = 1_000_000_000;
    for (const [status, shared] of [
      [401, false],
      [403, false],
      [429, false],
      [429, true],
      [404, false],
      [500, false],
    ] as const) {
      budget.record(answer(status, shared), t0);
    }
    expect(budget.count(t0)).toBe(3);
    budget.record(answer(403), t0 + 5 * 60_000);
    expect(budget.count(t0 + 9 * 60_000)).toBe(4);
    expect(budget.count(t0 + 10 * 60_000 + 1000)).toBe(1);
    expect(budget.count(t0 + 16 * 60_000)).toBe(0);
  });

  it('should pause work that can wait past half of the budget, until the window clears', () => {
    const budget = new DiscordRequestBudget(new Metrics());
    const t0 = 2_000_000_000;
    for (let i = 0; i < INVALID_REQUESTS_LIMIT / 2 - 1; i++) budget.record(answer(403), t0 + i);
    expect(budget.paused(t0 + 5000)).toBe(false);
    budget.record(answer(403), t0 + 6000);
    expect(budget.paused(t0 + 6000)).toBe(true);
    expect(budget.paused(t0 + 11 * 60_000)).toBe(false);
  });

  it('should leave ids and tokens out of the route', () => {
    expect(routeGroup('https://discord.com/api/v10/channels/123456789012345678/messages')).toBe(
      'channels/:id/messages',
    );
    expect(routeGroup('http://127.0.0.1:1/api/v10/interactions/1234/aW50ZXJhY3Rpb24.token/callback')).toBe(
      'interactions/:id/:id/callback',
    );
    expect(routeGroup('https://discord.com/api/v10/guilds/1/members/2/roles/3')).toBe(
      'guilds/:id/members/:id/roles/:id',
    );
  });
});
