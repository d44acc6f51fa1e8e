import { EventEmitter } from 'node:events';
import { DiscordAPIError, type APIGuildMember, type APIRole, type Client } from 'discord.js';
import fc from 'fast-check';
import { describeEachDatabase } from '../../test/support/databases';
import { fuzzParameters } from '../../test/support/fuzz';
import { eventually } from '../../test/support/wait';
import { KeyedSequence } from '../common/keyed-sequence';
import type { DiscordRestService } from '../discord/discord-rest.service';
import type { OutboundEvents } from '../events/outbound-events';
import { DiscordRequestBudget } from '../observability/discord-request-budget';
import { Metrics } from '../observability/metrics.service';
import type { DatabaseService } from '../storage/database.service';
import { GuildRoleInfo, type GuildRoles } from './guild-roles';
import type { PremiumGrants } from './premium-grants';
import type { MemberRoleCache } from './member-role-cache';
import { RoleConverger } from './role-converger';
import type { RoleAuditLog } from './role-audit-log';
import { RoleRefusals } from './role-refusals';
import type { RoleChangeTable } from '../storage/tables';
import { changesOf, resultsOf, RoleLedger } from './role-ledger';
import { SUPERSEDED_REASON } from './role-reasons';

const GUILD = '900000000000000000';
const ROLE_A = '800000000000000001';
const ROLE_B = '800000000000000002';
const member = (i: number) => String(700000000000000000n + BigInt(i));

/** Discord as the converger sees it: members' roles in memory, every call after a random delay. */
class FakeDiscord {
  readonly roles = new Map<string, Set<string>>();
  readonly calls: { method: 'add' | 'remove'; user: string; role: string }[] = [];
  absent = new Set<string>();
  reads = 0;
  /** The gateway: told every change of a member's roles, as GUILD_MEMBER_UPDATE. */
  onChange: (user: string, roles: ReadonlySet<string>) => void = () => undefined;

  constructor(private readonly delay: () => number) {}

  private wait() {
    return new Promise((resolve) => setTimeout(resolve, this.delay()));
  }

  async member(_guild: string, user: string): Promise<APIGuildMember> {
    this.reads++;
    await this.wait();
    if (this.absent.has(user)) {
      throw new DiscordAPIError({ code: 10007, message: 'Unknown Member' }, 10007, 404, 'GET', '/members', {});
    }
    return { user: { id: user }, roles: [...(this.roles.get(user) ?? [])] } as APIGuildMember;
  }

  async addRole(_guild: string, user: string, role: string): Promise<void> {
    await this.wait();
    this.calls.push({ method: 'add', user, role });
    this.set(user, role, true);
  }

  async removeRole(_guild: string, user: string, role: string): Promise<void> {
    await this.wait();
    this.calls.push({ method: 'remove', user, role });
    this.set(user, role, false);
  }

  /** A person changes the member's role in Discord's own UI (or the bot's write lands). */
  set(user: string, role: string, present: boolean): void {
    const roles = new Set(this.roles.get(user) ?? []);
    if (present) roles.add(role);
    else roles.delete(role);
    this.roles.set(user, roles);
    this.onChange(user, roles);
  }
}

/**
 * The gateway's view of members' roles (MemberRoleCache), told each change `lag()` ms after it happened, in
 * order, like events on their way; the bot's own writes as it makes them.
 */
class LaggingView {
  readonly members = new Map<string, Set<string>>();
  private deliverAt = 0;

  constructor(
    discord: FakeDiscord,
    private readonly lag: () => number,
  ) {
    discord.onChange = (user, roles) => {
      const copy = new Set(roles);
      this.deliverAt = Math.max(this.deliverAt, Date.now() + this.lag());
      setTimeout(() => this.members.set(user, copy), this.deliverAt - Date.now());
    };
  }

  rolesOf(_guild: string, user: string): ReadonlySet<string> | undefined {
    const roles = this.members.get(user);
    return roles && new Set(roles);
  }

  watches(): boolean {
    return true;
  }

  wrote(_guild: string, user: string, role: string, present: boolean): void {
    const roles = this.members.get(user);
    if (!roles) return;
    if (present) roles.add(role);
    else roles.delete(role);
  }
}

/** A view that cannot tell (not synced yet, or another shard's guild): every pass reads the member. */
const NO_VIEW = { rolesOf: () => undefined, watches: () => true, wrote: () => undefined };

const roleOf = (id: string, position: number): APIRole =>
  ({ id, name: id, position, permissions: '0', managed: false }) as APIRole;
const guildInfo = new GuildRoleInfo(GUILD, [roleOf(ROLE_A, 1), roleOf(ROLE_B, 2)], {
  highestPosition: 10,
  canManageRoles: true,
});

describeEachDatabase('RoleConverger on $name', (database) => {
  let db: DatabaseService;
  let ledger: RoleLedger;
  let discord: FakeDiscord;
  let converger: RoleConverger;

  const start = async (delay: () => number = () => 0, view?: (discord: FakeDiscord) => LaggingView) => {
    // A property's runs each start one: the previous run's worker must not go on claiming (and applying) work.
    await converger?.onApplicationShutdown();
    discord = new FakeDiscord(delay);
    const cache = view?.(discord) ?? NO_VIEW;
    converger = new RoleConverger(
      ledger,
      discord as unknown as DiscordRestService,
      { read: () => Promise.resolve(guildInfo) } as unknown as GuildRoles,
      { keptRoles: () => Promise.resolve(new Map()) } as unknown as PremiumGrants,
      { record: () => undefined } as unknown as OutboundEvents,
      new Metrics(),
      new DiscordRequestBudget(new Metrics()),
      new RoleRefusals(
        new EventEmitter() as unknown as Client,
        { read: () => Promise.resolve(guildInfo) } as unknown as GuildRoles,
        ledger,
        { roleRefused: () => Promise.resolve() } as unknown as RoleAuditLog,
        new Metrics(),
      ),
      cache as unknown as MemberRoleCache,
    );
    converger.onApplicationBootstrap();
  };

  /**
   * What a request path does (RolesService): store the intent, in arrival order for the member, then converge
   * the member and wait for the answer.
   */
  const arrivals = new KeyedSequence();
  const change = async (user: string, changes: [string, boolean][], occurredAt?: number, ordered = true) => {
    const store = () =>
      ledger.submit({ guildId: GUILD, discordId: user, changes: new Map(changes), source: 'backend', occurredAt });
    const submitted = await (ordered ? arrivals.run(user, store) : store());
    if (submitted.kind !== 'accepted') return submitted.kind === 'stale' ? submitted.change : undefined;
    await converger.converge(GUILD, user);
    return converger.waitFor(submitted.change.id, Date.now() + 10_000);
  };

  beforeEach(async () => {
    db = await database.create();
    ledger = new RoleLedger(db);
  });
  afterEach(() => converger?.onApplicationShutdown());
  afterAll(() => database.cleanup());

  it('should add a role once and report it', async () => {
    await start();
    const done = await change(member(1), [[ROLE_A, true]]);
    expect(done).toMatchObject({ state: 'applied' });
    expect(resultsOf(done!)).toEqual([{ role_id: ROLE_A, outcome: 'added' }]);
    expect(discord.roles.get(member(1))).toEqual(new Set([ROLE_A]));
    const again = await change(member(1), [[ROLE_A, true]]);
    expect(resultsOf(again!)).toEqual([{ role_id: ROLE_A, outcome: 'unchanged' }]);
    expect(discord.calls).toHaveLength(1);
  });

  it("should write a role the gateway's view shows missing without reading the member, and read what it says needs nothing", async () => {
    await start(undefined, (d) => new LaggingView(d, () => 0));
    discord.set(member(20), ROLE_B, false); // in the guild: the gateway tells the view at once
    await new Promise((r) => setTimeout(r, 5));
    const done = await change(member(20), [[ROLE_A, true]]);
    expect(resultsOf(done!)).toEqual([{ role_id: ROLE_A, outcome: 'added' }]);
    expect({ reads: discord.reads, calls: discord.calls.length }).toEqual({ reads: 0, calls: 1 });
    // The view says the member has it: confirmed by a read, nothing written.
    const again = await change(member(20), [[ROLE_A, true]]);
    expect(resultsOf(again!)).toEqual([{ role_id: ROLE_A, outcome: 'unchanged' }]);
    expect({ reads: discord.reads, calls: discord.calls.length }).toEqual({ reads: 1, calls: 1 });
    // A member the view does not hold is read, as without a view.
    await change(member(21), [[ROLE_A, true]]);
    expect({ reads: discord.reads, calls: discord.calls.length }).toEqual({ reads: 2, calls: 2 });
  });

  it('should let the later of two racing changes win, and say the earlier was superseded', async () => {
    await start(() => 100);
    const first = change(member(2), [[ROLE_A, true]]);
    await new Promise((r) => setTimeout(r, 30));
    const second = change(member(2), [[ROLE_A, false]]);
    const [a, b] = await Promise.all([first, second]);
    expect(discord.roles.get(member(2)) ?? new Set()).not.toContain(ROLE_A);
    expect(b?.state).toBe('applied');
    // The first read the member before the second arrived, then saw it and never added the role.
    expect(a?.state).toBe('superseded');
    expect(resultsOf(a!)).toEqual([{ role_id: ROLE_A, outcome: 'unchanged', reason: SUPERSEDED_REASON }]);
    expect(discord.calls).toEqual([]);
  });

  it('should refuse an older occurred_at and change nothing', async () => {
    await start();
    await change(member(3), [[ROLE_A, true]], Date.parse('2026-11-02T00:00:00Z'));
    const stale = await change(member(3), [[ROLE_A, false]], Date.parse('2026-11-01T00:00:00Z'));
    expect(stale?.state).toBe('stale');
    expect(discord.roles.get(member(3))).toEqual(new Set([ROLE_A]));
    const newer = await change(member(3), [[ROLE_A, false]], Date.parse('2026-11-03T00:00:00Z'));
    expect(newer?.state).toBe('applied');
    expect(discord.roles.get(member(3))).toEqual(new Set());
    // Without occurred_at, arrival order decides.
    expect((await change(member(3), [[ROLE_A, true]]))?.state).toBe('applied');
  });

  it('should park a change for someone not in the guild and apply the latest one when they join', async () => {
    await start();
    discord.absent.add(member(4));
    expect((await change(member(4), [[ROLE_A, true]]))?.state).toBe('waiting_join');
    expect((await change(member(4), [[ROLE_B, true]]))?.state).toBe('waiting_join');
    discord.absent.delete(member(4));
    expect(await ledger.memberJoined(GUILD, member(4))).toBe('work');
    await converger.converge(GUILD, member(4));
    await eventually(
      () => discord.roles.get(member(4))?.size ?? 0,
      (n) => n === 2,
    );
    const history = await ledger.recentChanges(member(4), 10);
    expect(history.map((c) => c.state)).toEqual(['applied', 'applied']);
  });

  it('should give the roles back when a known member rejoins', async () => {
    await start();
    await change(member(5), [[ROLE_A, true]]);
    discord.roles.delete(member(5)); // Discord drops roles when a member leaves
    expect(await ledger.memberJoined(GUILD, member(5))).toBe('work');
    await converger.converge(GUILD, member(5));
    await eventually(
      () => discord.roles.get(member(5))?.has(ROLE_A) ?? false,
      (has) => has,
    );
    expect((await ledger.recentChanges(member(5), 1))[0]).toMatchObject({ source: 'join', state: 'applied' });
  });

  it('should drop an intent computed from a read when a newer intent arrived since (a sweep, a sync)', async () => {
    await start();
    const user = member(7);
    const before = (await ledger.member(GUILD, user))?.version ?? 0;
    await change(user, [[ROLE_A, true]]);
    const late = await ledger.submit({
      guildId: GUILD,
      discordId: user,
      changes: new Map([[ROLE_A, false]]),
      source: 'sweep',
      basedOnVersion: before,
    });
    expect(late.kind).toBe('outdated');
    expect(discord.roles.get(user)).toEqual(new Set([ROLE_A]));
  });

  it('should never hand one member to two converging processes at once', async () => {
    // The ledger alone, as two replicas see it (no worker of this test claims the member first).
    await ledger.submit({
      guildId: GUILD,
      discordId: member(6),
      changes: new Map([[ROLE_A, true]]),
      source: 'backend',
    });
    const [one, two] = await Promise.all([
      ledger.tryClaim(GUILD, member(6), 'replica-1'),
      ledger.tryClaim(GUILD, member(6), 'replica-2'),
    ]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
    expect(await ledger.claimDue('replica-3', 10)).toEqual([]);
    // A crashed holder's lease runs out; then another replica takes the member.
    expect(await ledger.claimDue('replica-3', 10, Date.now() + 60_000)).toHaveLength(1);
  });

  /**
   * Random role changes for a few members, some overlapping, Discord answering after a random delay. In one
   * process (`ordered`) a member's changes are stored in arrival order; replicas store concurrently, and the
   * ledger's version order decides. Either way every member ends at the latest intent stored.
   */
  const interleavings = (ordered: boolean) => async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            user: fc.integer({ min: 0, max: 4 }),
            role: fc.constantFrom(ROLE_A, ROLE_B),
            want: fc.boolean(),
            gapMs: fc.integer({ min: 0, max: 15 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 0, max: 10 }),
        async (steps, latency) => {
          // One database for every run: each run has members of its own.
          await start(() => Math.random() * latency);
          const base = 100 + 10 * runs++;
          const users = new Set(steps.map((s) => member(base + s.user)));
          const answers: Promise<unknown>[] = [];
          const last = new Map<string, boolean>();
          for (const step of steps) {
            const user = member(base + step.user);
            last.set(`${user}|${step.role}`, step.want);
            answers.push(change(user, [[step.role, step.want]], undefined, ordered));
            await new Promise((r) => setTimeout(r, step.gapMs));
          }
          await Promise.all(answers);
          await eventually(
            async () => (await ledger.stats()).depth,
            (depth) => depth === 0,
          );
          const history = new Map<string, RoleChangeTable[]>();
          for (const user of users) history.set(user, await ledger.recentChanges(user, 100));
          if (!ordered) {
            // The latest stored: the highest version that set the role.
            for (const [user, changes] of history) {
              for (const c of [...changes].sort((a, b) => a.version - b.version)) {
                for (const [role, want] of Object.entries(changesOf(c))) last.set(`${user}|${role}`, want);
              }
            }
          }
          for (const [key, want] of last) {
            const [user, role] = key.split('|');
            expect(discord.roles.get(user)?.has(role) ?? false).toBe(want);
          }
          // Each change claims only what it did: every "added"/"removed" matches one call to Discord.
          const claimed = [];
          for (const [user, changes] of history) {
            for (const c of changes) {
              for (const r of resultsOf(c)) {
                if (r.outcome === 'added' || r.outcome === 'removed') claimed.push(`${user}|${r.role_id}|${r.outcome}`);
                expect(Object.keys(changesOf(c))).toContain(r.role_id);
              }
            }
          }
          const calls = discord.calls.map((c) => `${c.user}|${c.role}|${c.method === 'add' ? 'added' : 'removed'}`);
          expect(claimed.sort()).toEqual(calls.sort());
        },
      ),
      { numRuns: 15 },
    );
  };

  it("should end every member at the latest intent when people change roles by hand and the gateway's view lags (property)", async () => {
    let runs = 0;
    const step = fc.record({
      user: fc.integer({ min: 0, max: 3 }),
      role: fc.constantFrom(ROLE_A, ROLE_B),
      want: fc.boolean(),
      byHand: fc.boolean(),
      gapMs: fc.integer({ min: 0, max: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        async (steps, finals, lagMs) => {
          await start(
            () => Math.random() * 5,
            (d) => new LaggingView(d, () => Math.random() * lagMs),
          );
          const base = 300 + 10 * runs++;
          for (let i = 0; i < 4; i++) discord.set(member(base + i), ROLE_B, false);
          const answers: Promise<unknown>[] = [];
          for (const s of steps) {
            const user = member(base + s.user);
            if (s.byHand) discord.set(user, s.role, s.want);
            else answers.push(change(user, [[s.role, s.want]]));
            await new Promise((r) => setTimeout(r, s.gapMs));
          }
          // The last word for every member and role is an intent stated after every hand change (whose events
          // may still be on their way to the view).
          const last = new Map<string, boolean>();
          finals.forEach((want, i) => {
            const user = member(base + (i >> 1));
            const role = i % 2 === 0 ? ROLE_A : ROLE_B;
            last.set(`${user}|${role}`, want);
            answers.push(change(user, [[role, want]]));
          });
          await Promise.all(answers);
          await eventually(
            async () => (await ledger.stats()).depth,
            (depth) => depth === 0,
          );
          for (const [key, want] of last) {
            const [user, role] = key.split('|');
            expect([key, discord.roles.get(user)?.has(role) ?? false]).toEqual([key, want]);
          }
        },
      ),
      fuzzParameters('converger with a lagging view', { numRuns: 25 }),
    );
  }, 120_000);

  it(
    'should end every member at their latest intent, whatever the interleaving (property)',
    interleavings(true),
    120_000,
  );

  it(
    'should end every member at the latest intent stored when replicas store at once (property)',
    interleavings(false),
    120_000,
  );
});
