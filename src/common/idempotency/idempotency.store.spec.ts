import { testDatabases } from '../../../test/support/databases';
import type { DatabaseService } from '../../storage/database.service';
import { IDEMPOTENCY_TTL_MS, IdempotencyStore } from './idempotency.store';

describe.each(testDatabases())('IdempotencyStore on $name', (database) => {
  let store: IdempotencyStore;
  let db: DatabaseService;

  beforeEach(async () => {
    db = await database.create();
    store = new IdempotencyStore(db);
  });
  afterAll(() => database.cleanup());

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

  it('should take over a reservation left by a request that died', async () => {
    const start = 5_000_000;
    await store.reserve('k6', 'h1', start);
    expect(await store.reserve('k6', 'h1', start + 61_000)).toEqual({ kind: 'reserved' });
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
