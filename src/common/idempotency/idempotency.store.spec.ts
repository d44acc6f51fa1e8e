import { describeEachDatabase } from '../../../test/support/databases';
import { eventually } from '../../../test/support/wait';
import type { DatabaseService } from '../../storage/database.service';
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS, IdempotencyStore } from './idempotency.store';

describeEachDatabase('IdempotencyStore on $name', (database) => {
  let store: IdempotencyStore;
  let db: DatabaseService;

  beforeEach(async () => {
    db = await database.create();
    store = new IdempotencyStore(db);
  });
  afterEach(() => store.onApplicationShutdown());
  afterAll(() => database.cleanup());

  /** The store of another process (replica, or this one restarted) on the same database. */
  const otherProcess = () => Object.assign(new IdempotencyStore(db), { owner: 'other-host:1:abcdef' });

  it('should reserve a new key once and replay its stored response', async () => {
    expect(await store.reserve('k1', 'h1')).toEqual({ kind: 'reserved' });
    expect(await store.reserve('k1', 'h1')).toEqual({ kind: 'in_progress' });
    await store.complete('k1', 200, { success: true });
    expect(await store.reserve('k1', 'h1')).toEqual({ kind: 'replay', statusCode: 200, body: { success: true } });
  });

  it('should report a conflict when the same key comes with another body', async () => {
    await store.reserve('k2', 'h1');
    await store.complete('k2', 200, {});
    expect(await store.reserve('k2', 'other')).toEqual({ kind: 'conflict' });
  });

  it('should give the key back after a failed request', async () => {
    await store.reserve('k3', 'h1');
    await store.release('k3');
    expect(await store.reserve('k3', 'h1')).toEqual({ kind: 'reserved' });
  });

  it('should treat a key as new after 24 hours', async () => {
    const start = 1_000_000;
    await store.reserve('k4', 'h1', start);
    await store.complete('k4', 200, { first: true });
    expect(await store.reserve('k4', 'h2', start + IDEMPOTENCY_TTL_MS + 1)).toEqual({ kind: 'reserved' });
  });

  it('should let one of many concurrent requests with one key run', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store.reserve('k5', 'h1')));
    expect(results.filter((r) => r.kind === 'reserved')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'in_progress')).toHaveLength(9);
  });

  it('should take over, within the lease, a reservation whose process stopped renewing it', async () => {
    const start = 5_000_000;
    await otherProcess().reserve('k6', 'h1', start);
    expect(await store.reserve('k6', 'h1', start + IDEMPOTENCY_LEASE_MS)).toEqual({ kind: 'in_progress' });
    expect(await store.reserve('k6', 'h1', start + IDEMPOTENCY_LEASE_MS + 1)).toEqual({ kind: 'reserved' });
    await store.complete('k6', 200, { ok: true });
    expect(await otherProcess().reserve('k6', 'h1', start + 2 * IDEMPOTENCY_LEASE_MS)).toMatchObject({
      kind: 'replay',
    });
  });

  it('should keep a reservation whose live process renews it', async () => {
    const start = 6_000_000;
    const first = otherProcess();
    await first.reserve('k7', 'h1', start);
    await first.renewLeases(start + IDEMPOTENCY_LEASE_MS - 1);
    expect(await store.reserve('k7', 'h1', start + IDEMPOTENCY_LEASE_MS + 1)).toEqual({ kind: 'in_progress' });
    first.onApplicationShutdown();
  });

  it('should renew the leases of the keys it serves on its own, and none once they are done', async () => {
    await store.reserve('k8', 'h1');
    const leaseOf = async () =>
      (await db.db.selectFrom('idempotency_keys').select('lease_until').where('key', '=', 'k8').executeTakeFirst())
        ?.lease_until;
    const first = await leaseOf();
    await eventually(leaseOf, (lease) => (lease ?? 0) > (first ?? 0));
    await store.complete('k8', 200, {});
    expect(await leaseOf()).toBeNull();
  });

  it('should never take over a key this process is still serving, however late', async () => {
    const start = 7_000_000;
    await store.reserve('k9', 'h1', start);
    expect(await store.reserve('k9', 'h1', start + 60 * IDEMPOTENCY_LEASE_MS)).toEqual({ kind: 'in_progress' });
  });

  it('should take over a reservation made before leases existed once its minute is over', async () => {
    const start = 8_000_000;
    await db.db
      .insertInto('idempotency_keys')
      .values({
        key: 'old',
        request_hash: 'h1',
        status_code: null,
        response_body: null,
        created_at: start,
        expires_at: start + IDEMPOTENCY_TTL_MS,
        owner: null,
        lease_until: start + 60_000,
      })
      .execute();
    expect(await store.reserve('old', 'h1', start + 59_000)).toEqual({ kind: 'in_progress' });
    expect(await store.reserve('old', 'h1', start + 61_000)).toEqual({ kind: 'reserved' });
  });

  it('should purge keys past their 24 hours and keep the others', async () => {
    const start = 9_000_000;
    await store.reserve('old', 'h', start);
    await store.reserve('new', 'h', start + IDEMPOTENCY_TTL_MS);
    await store.purgeExpired(start + IDEMPOTENCY_TTL_MS + 1);
    const keys = await db.db.selectFrom('idempotency_keys').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['new']);
  });
});
