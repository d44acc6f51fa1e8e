import fc from 'fast-check';
import { describeEachDatabase } from './support/databases';
import { rolesSettled, useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { pgSchema, type PgSchema } from '../tools/pg-schema';
import { NAMES, roleSim } from './support/role-world';

type RolesAnswer = {
  success: boolean;
  message: string;
  roles_updated: boolean;
  queued?: boolean;
  superseded?: boolean;
  stale?: boolean;
  pending?: boolean;
  results?: { role_id: string; outcome: string; reason?: string }[];
};

describeEachDatabase('role truth on $name (issue 10)', ({ name: store }) => {
  let h: Harness;
  let schema: PgSchema | undefined;
  const options: HarnessOptions = {};
  const id = (name: string) => h.sim.userId(name);
  const premium = () => h.sim.world.roles.premium;
  const roles = async (body: Record<string, unknown>): Promise<{ ms: number; body: RolesAnswer }> => {
    const started = Date.now();
    const res = await h.call('/internal/roles/update', body);
    expect(res.status).toBe(200);
    return { ms: Date.now() - started, body: res.body as RolesAnswer };
  };
  const hasPremium = async (name: string) => (await h.sim.memberRoleNames(name)).includes('premium');
  /** Every role add and removal Discord received, as `user|role|added` lines. */
  const discordChanges = async () => [
    ...(await h.sim.requests({ route: 'PUT /guilds/*/members/*/roles/*' })).map((r) => `${r.path}|added`),
    ...(await h.sim.requests({ route: 'DELETE /guilds/*/members/*/roles/*' })).map((r) => `${r.path}|removed`),
  ];
  /** The answers' claims, in the same form: an answer may claim only what Discord really did. */
  const claims = (userId: string, answers: RolesAnswer[]) =>
    answers.flatMap((a) =>
      (a.results ?? [])
        .filter((r) => r.outcome === 'added' || r.outcome === 'removed')
        .map((r) => `/guilds/${h.sim.world.guildId}/members/${userId}/roles/${r.role_id}|${r.outcome}`),
    );
  /**
   * The first change is under way: Discord got its first request about the member (a read, or a role written
   * with no read when the gateway's view says it differs) and holds it back (slowMembers).
   */
  const busyWith = (name: string) =>
    h.sim.waitForArrivals({ pathPrefix: `/guilds/${h.sim.world.guildId}/members/${id(name)}` });
  /** Discord answers reads of members and role writes after `ms`. */
  const slowMembers = (ms: number) =>
    h.sim.setFaults({
      routeLatency: [
        'GET /guilds/*/members/*',
        'PUT /guilds/*/members/*/roles/*',
        'DELETE /guilds/*/members/*/roles/*',
      ].map((route) => ({ route, ms })),
    });
  const settled = () => rolesSettled(h);

  beforeAll(async () => {
    schema = store === 'postgres' ? await pgSchema() : undefined;
    options.sim = await roleSim();
    options.env = {
      MANAGED_ROLE_IDS: options.sim.world.roles.supporter,
      ...(schema ? { DATABASE_URL: schema.url } : {}),
    };
  });
  useHarness((harness) => (h = harness), options);
  afterAll(async () => {
    await options.sim?.stop();
    await schema?.drop();
  });

  describe('two changes 300 ms apart while Discord answers slowly', () => {
    it('should end without premium for moddy_max then free, and claim nothing it did not do', async () => {
      await slowMembers(500);
      const first = roles({ discord_id: id('alice'), plan: 'moddy_max' });
      await busyWith('alice');
      const second = roles({ discord_id: id('alice'), plan: 'free' });
      const answers = (await Promise.all([first, second])).map((a) => a.body);
      await settled();
      expect(await hasPremium('alice')).toBe(false);
      expect(answers.every((a) => a.success)).toBe(true);
      expect(answers[1].superseded).toBeUndefined();
      expect(claims(id('alice'), answers).sort()).toEqual((await discordChanges()).sort());
    });

    it('should end with premium for free then moddy_max', async () => {
      await slowMembers(500);
      const first = roles({ discord_id: id('bob'), plan: 'free' });
      await busyWith('bob');
      const second = roles({ discord_id: id('bob'), plan: 'moddy_max' });
      const answers = (await Promise.all([first, second])).map((a) => a.body);
      await settled();
      expect(await hasPremium('bob')).toBe(true);
      expect(answers.every((a) => a.success)).toBe(true);
      expect(claims(id('bob'), answers).sort()).toEqual((await discordChanges()).sort());
    });

    it('should answer a change replaced before it was applied with superseded and no claimed role', async () => {
      // dave lacks premium: taking it away needs nothing, which is confirmed by a read (slow); the second change
      // arrives meanwhile and wins.
      await h.sim.setFaults({ routeLatency: [{ route: `GET /guilds/*/members/${id('dave')}`, ms: 1000 }] });
      const first = roles({ discord_id: id('dave'), plan: 'free' });
      await busyWith('dave');
      const second = roles({ discord_id: id('dave'), plan: 'moddy_max' });
      const [a, b] = (await Promise.all([first, second])).map((x) => x.body);
      expect(a).toMatchObject({ success: true, superseded: true, roles_updated: false });
      expect(a.results?.every((r) => r.outcome === 'unchanged')).toBe(true);
      expect(b).toMatchObject({ success: true, results: [{ role_id: premium(), outcome: 'added' }] });
      expect(await discordChanges()).toEqual([
        `/guilds/${h.sim.world.guildId}/members/${id('dave')}/roles/${premium()}|added`,
      ]);
    });
  });

  it('should end every member at their last change, for 20 members x 5 changes 100 ms apart (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('moddy_max', 'free'), { minLength: 100, maxLength: 100 }),
        fc.shuffledSubarray(
          NAMES.flatMap((n) => Array.from({ length: 5 }, () => n)),
          { minLength: 100, maxLength: 100 },
        ),
        async (plans, order) => {
          await h.sim.reset();
          await slowMembers(200);
          const last = new Map<string, string>();
          const answers: Promise<{ ms: number }>[] = [];
          for (const [i, name] of order.entries()) {
            last.set(name, plans[i]);
            answers.push(roles({ discord_id: id(name), plan: plans[i] }));
            // the scenario's schedule (a change every 100 ms, overlapping the slow reads), not a wait for anything
            await new Promise((r) => setTimeout(r, 100));
          }
          const timings = await Promise.all(answers);
          expect(Math.max(...timings.map((t) => t.ms))).toBeLessThan(5000);
          await settled();
          for (const [name, plan] of last) expect([name, await hasPremium(name)]).toEqual([name, plan === 'moddy_max']);
        },
      ),
      { numRuns: 1 },
    );
  }, 180000);

  it('should answer 50 overlapping changes for 10 members within 5 s each, Discord reading members in 500 ms', async () => {
    await slowMembers(500);
    const members = NAMES.slice(0, 10);
    const last = new Map<string, string>();
    const calls = Array.from({ length: 50 }, (_, i) => {
      const name = members[i % 10];
      const plan = (i * 7) % 3 === 0 ? 'free' : 'moddy_max';
      last.set(name, plan);
      // the scenario's schedule (a change every 20 ms), not a wait for anything
      return new Promise<void>((resolve) => setTimeout(resolve, i * 20)).then(() =>
        roles({ discord_id: id(name), plan }),
      );
    });
    const answers = await Promise.all(calls);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(5000);
    expect(answers.every((a) => a.body.success)).toBe(true);
    expect(answers.some((a) => a.body.queued)).toBe(true);
    await settled();
    for (const [name, plan] of last) expect([name, await hasPremium(name)]).toEqual([name, plan === 'moddy_max']);
  }, 120000);

  describe('occurred_at', () => {
    it('should refuse a role change older than the one applied, and change nothing', async () => {
      const newer = await roles({ discord_id: id('erin'), plan: 'moddy_max', occurred_at: '2026-11-02T10:00:00Z' });
      expect(newer.body).toMatchObject({ success: true, results: [{ outcome: 'added' }] });
      const stale = await roles({ discord_id: id('erin'), plan: 'free', occurred_at: '2026-11-02T09:59:59+00:00' });
      expect(stale.body).toMatchObject({ success: true, stale: true, roles_updated: false });
      expect(await hasPremium('erin')).toBe(true);
      // Without occurred_at, arrival order decides.
      expect((await roles({ discord_id: id('erin'), plan: 'free' })).body).toMatchObject({ success: true });
      expect(await hasPremium('erin')).toBe(false);
    });

    it('should refuse an occurred_at that is not RFC 3339 with an offset with 422', async () => {
      for (const occurred_at of ['2026-11-02T10:00:00', 'yesterday', '2026-02-31T00:00:00Z', 12]) {
        const res = await h.call('/internal/roles/update', { discord_id: id('erin'), plan: 'free', occurred_at });
        expect(res).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'occurred_at'] }] } });
      }
    });

    it('should refuse an occurred_at from the future, an hour 24 or a year past 9999 with 422, and store nothing', async () => {
      const soon = new Date(Date.now() + 4 * 60_000).toISOString();
      expect((await roles({ discord_id: id('erin'), plan: 'moddy_max', occurred_at: soon })).body.success).toBe(true);
      const poisoned = ['2099-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59', '2026-11-02T24:00:00Z'];
      for (const occurred_at of poisoned) {
        for (const [path, body] of [
          ['/internal/roles/update', { discord_id: id('erin'), plan: 'free', occurred_at }],
          ['/internal/notify', { discord_id: id('erin'), action: 'subscription_cancelled', occurred_at }],
        ] as const) {
          const res = await h.call(path, body);
          expect([occurred_at, res]).toMatchObject([
            occurred_at,
            { status: 422, body: { detail: [{ loc: ['body', 'occurred_at'] }] } },
          ]);
        }
      }
      const future = await h.call('/internal/roles/update', {
        discord_id: id('erin'),
        plan: 'free',
        occurred_at: '2099-01-01T00:00:00Z',
      });
      expect((future.body as { detail: { msg: string }[] }).detail[0].msg).toMatch(
        /more than 5 minutes ahead of the service's clock \(now \d{4}-\d{2}-\d{2}T/,
      );
      expect(await hasPremium('erin')).toBe(true);
      expect(await h.sim.dmsTo('erin')).toEqual([]);
      // Real events after the refused ones move the member as usual.
      expect((await roles({ discord_id: id('erin'), plan: 'free' })).body.success).toBe(true);
      expect(await hasPremium('erin')).toBe(false);
    });

    it('should still DM an older subscription event but leave the premium state as it is', async () => {
      const notify = (action: string, plan: string | null, occurred_at: string) =>
        h.call('/internal/notify', { discord_id: id('frank'), action, plan, occurred_at });
      expect((await notify('subscription_created', 'moddy_max', '2026-11-05T00:00:00Z')).body).toMatchObject({
        notification_sent: true,
      });
      const late = await notify('subscription_cancelled', null, '2026-11-04T00:00:00Z');
      expect(late.body).toMatchObject({ success: true, notification_sent: true, stale: true });
      expect(await h.sim.dmsTo('frank')).toHaveLength(2);
    });
  });

  describe('ids that cannot be members', () => {
    it('should refuse a discord_id Discord could not have issued, on every route, with 422', async () => {
      for (const discord_id of ['0' + id('erin').slice(1), '9223372036854775808', '18446744073709551615']) {
        for (const [path, body] of [
          ['/internal/roles/update', { discord_id, plan: 'moddy_max' }],
          ['/internal/notify', { discord_id, action: 'subscription_created', plan: 'moddy_max' }],
          ['/internal/subscription/refresh', { discord_id }],
          ['/internal/refunds/notify', { discord_id, refund_id: 're_1', amount: 100, currency: 'eur' }],
        ] as const) {
          const res = await h.call(path, body);
          expect([path, discord_id, res.status]).toEqual([path, discord_id, 422]);
        }
      }
      expect(await discordChanges()).toEqual([]);
    });

    it("should refuse the bot's own id as the member of a role update with 422", async () => {
      const res = await h.call('/internal/roles/update', { discord_id: h.sim.world.botUserId, plan: 'moddy_max' });
      expect(res).toMatchObject({
        status: 422,
        body: { detail: [{ loc: ['body', 'discord_id'], msg: expect.stringContaining('the bot itself') as string }] },
      });
      expect(await discordChanges()).toEqual([]);
    });
  });

  describe('what the backend may touch', () => {
    it('should refuse a role that carries Administrator, and apply nothing', async () => {
      const res = await roles({ discord_id: id('alice'), plan: 'moddy_max', add_roles: [h.sim.world.roles.admin] });
      expect(res.body).toMatchObject({
        success: false,
        roles_updated: false,
        results: [{ outcome: 'failed', reason: expect.stringContaining('Administrator') as string }],
      });
      expect(await h.sim.memberRoleNames('alice')).not.toContain('admin');
      expect(await discordChanges()).toEqual([]);
    });

    it('should refuse a role that is neither a plan role nor in MANAGED_ROLE_IDS', async () => {
      const everyoneElse = h.sim.world.roles.everyone;
      const res = await roles({ discord_id: id('alice'), plan: 'x', add_roles: [everyoneElse] });
      expect(res.body).toMatchObject({ success: false, results: [{ outcome: 'failed' }] });
      const managed = await roles({ discord_id: id('alice'), plan: 'x', add_roles: [h.sim.world.roles.supporter] });
      expect(managed.body).toMatchObject({ success: true, results: [{ outcome: 'added' }] });
    });

    it('should treat constructor, __proto__ and toString as unknown plans', async () => {
      for (const plan of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const res = await h.call('/internal/roles/update', { discord_id: id('alice'), plan });
        expect(res).toMatchObject({ status: 200, body: { success: false, message: expect.stringContaining(plan) } });
      }
      expect(await discordChanges()).toEqual([]);
    });

    it('should match a plan name whatever its case', async () => {
      const res = await roles({ discord_id: id('alice'), plan: 'Moddy_Max' });
      expect(res.body).toMatchObject({ success: true, results: [{ role_id: premium(), outcome: 'added' }] });
    });
  });
});
