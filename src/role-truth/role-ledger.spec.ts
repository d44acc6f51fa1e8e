import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describeEachDatabase } from '../../test/support/databases';
import { DatabaseService } from '../storage/database.service';
import { MIGRATIONS } from '../storage/migrations/index';
import { RoleLedger } from './role-ledger';

const GUILD = '900000000000000000';
const ROLE = '800000000000000001';
const MEMBER = '700000000000000001';
const DAY = 24 * 3_600_000;
const intent = (want: boolean, extra: { occurredAt?: number; basedOnVersion?: number } = {}) => ({
  guildId: GUILD,
  discordId: MEMBER,
  changes: new Map([[ROLE, want]]),
  source: extra.basedOnVersion === undefined ? ('backend' as const) : ('staff_sync' as const),
  ...extra,
});

describeEachDatabase('the role ledger on $name (issue 21)', (store) => {
  let database: DatabaseService;
  let ledger: RoleLedger;
  beforeEach(async () => {
    database = await store.create();
    ledger = new RoleLedger(database);
  });
  afterEach(() => store.cleanup());

  it('should apply a truth read over a later occurred_at when no intent arrived while it was read', async () => {
    const now = Date.now();
    expect((await ledger.submit(intent(false, { occurredAt: now + 4 * 60_000 }), now)).kind).toBe('accepted');
    const version = (await ledger.member(GUILD, MEMBER))?.version;
    // A backend event older than the stored one is stale...
    expect((await ledger.submit(intent(true, { occurredAt: now }), now)).kind).toBe('stale');
    // ...but a staff sync that read the truth meanwhile is applied.
    const synced = await ledger.submit(intent(true, { occurredAt: now, basedOnVersion: version }), now);
    expect(synced.kind).toBe('accepted');
    expect(JSON.parse((await ledger.member(GUILD, MEMBER))?.desired ?? '{}')[ROLE].want).toBe(true);
  });

  it('should still drop a truth read when an intent arrived while it was read', async () => {
    const now = Date.now();
    await ledger.submit(intent(false), now);
    const version = (await ledger.member(GUILD, MEMBER))?.version;
    await ledger.submit(intent(false), now);
    expect((await ledger.submit(intent(true, { occurredAt: now, basedOnVersion: version }), now)).kind).toBe(
      'outdated',
    );
  });

  it('should expire the changes of a member who never joined within 90 days, and forget the member', async () => {
    const now = Date.now();
    const stored = await ledger.submit(intent(true), now);
    if (stored.kind !== 'accepted') throw new Error(stored.kind);
    const claimed = await ledger.tryClaim(GUILD, MEMBER, 'w', now);
    if (!claimed) throw new Error('not claimed');
    await ledger.park(claimed, 'w', now);
    expect(await ledger.expireUnjoined(now + 89 * DAY)).toBe(0);
    expect((await ledger.member(GUILD, MEMBER))?.state).toBe('waiting_join');
    expect(await ledger.expireUnjoined(now + 91 * DAY)).toBe(1);
    expect(await ledger.member(GUILD, MEMBER)).toBeUndefined();
    expect((await ledger.change(stored.change.id))?.state).toBe('expired');
    expect(await ledger.expireUnjoined(now + 92 * DAY)).toBe(0);
  });
});

describe('migration 0008 (issue 21)', () => {
  it('should bring occurred_at values from the future back to the time of the migration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moddy-0008-'));
    const file = join(dir, 'moddy.sqlite');
    try {
      // A store as 0007 left it, poisoned by an event "from" 2099.
      const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
      const migrator = new Migrator({ db: old, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
      expect((await migrator.migrateTo('0007_outbound_events_as_jobs')).error).toBeUndefined();
      const future = Date.parse('2099-01-01T00:00:00Z');
      const past = Date.parse('2026-01-01T00:00:00Z');
      const db = old as unknown as DatabaseService['db'];
      const row = (id: string, occurred_at: number) => ({
        guild_id: GUILD,
        discord_id: id,
        version: 1,
        applied_version: 1,
        occurred_at,
        desired: '{}',
        state: 'idle' as const,
        joins: 0,
        attempts: 0,
        next_attempt_at: 0,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        expires_at: null,
        updated_at: 0,
      });
      await db
        .insertInto('member_roles')
        .values([row('1', future), row('2', past)])
        .execute();
      const profile = (id: string, at: number) => ({
        discord_id: id,
        locale: null,
        premium: 0,
        plan: 'free',
        premium_occurred_at: at,
        updated_at: 0,
      });
      await db
        .insertInto('member_profiles')
        .values([profile('1', future), profile('2', past)])
        .execute();
      await old.destroy();

      const before = Date.now();
      const database = new DatabaseService({ dataDir: dir });
      await database.migrate();
      const roles = await database.db.selectFrom('member_roles').select(['discord_id', 'occurred_at']).execute();
      const profiles = await database.db
        .selectFrom('member_profiles')
        .select(['discord_id', 'premium_occurred_at'])
        .execute();
      await database.onApplicationShutdown();
      const at = (rows: { discord_id: string }[], id: string, key: string) =>
        Number((rows.find((r) => r.discord_id === id) as Record<string, unknown>)[key]);
      for (const [rows, key] of [
        [roles, 'occurred_at'],
        [profiles, 'premium_occurred_at'],
      ] as const) {
        expect(at(rows, '1', key)).toBeGreaterThanOrEqual(before);
        expect(at(rows, '1', key)).toBeLessThanOrEqual(Date.now());
        expect(at(rows, '2', key)).toBe(past);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
