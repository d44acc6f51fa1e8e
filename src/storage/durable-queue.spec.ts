import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { fuzzParameters } from '../../test/support/fuzz';
import { describeEachDatabase } from '../../test/support/databases';
import type { DatabaseService } from './database.service';
import { backoffDelay, DurableQueue, newQueueItem, type QueuePolicy } from './durable-queue';
import { QueueWorker, type DeliveryResult } from './queue-worker';
import type { OutboundEventTable, OutboundEventType } from './tables';

type Jobs = Record<OutboundEventType, Record<string, unknown> | null>;

const policy: QueuePolicy = { leaseMs: 1000, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

async function enqueue(database: DatabaseService, count: number, now = Date.now()): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const item = newQueueItem('e', now);
    await database.db
      .insertInto('outbound_events')
      .values({
        ...item,
        kind: 'command_used',
        discord_id: '123456789012345678',
        payload: null,
        dedup_key: null,
        dedup_until: null,
      })
      .execute();
    ids.push(item.id);
  }
  return ids;
}

describe('backoffDelay', () => {
  it('should grow exponentially with jitter and stay under the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
  });
});

describeEachDatabase('DurableQueue on $name', (database) => {
  let db: DatabaseService;
  let queue: DurableQueue<Jobs, OutboundEventTable>;
  const definition = (p: QueuePolicy) => ({
    table: 'outbound_events' as const,
    idPrefix: 'e',
    policy: p,
    dedupWindowMs: 1000,
    columns: () => ({}),
  });

  beforeEach(async () => {
    db = await database.create();
    queue = new DurableQueue<Jobs, OutboundEventTable>(db, definition(policy));
  });
  afterAll(() => database.cleanup());

  it('should hand each due item to one claimer only', async () => {
    await enqueue(db, 10);
    const [a, b] = await Promise.all([queue.claim('a', 6), queue.claim('b', 6)]);
    const ids = [...a, ...b].map((r) => r.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    expect((await queue.claim('c', 10)).length).toBe(0);
  });

  it('should give an item back to another worker when its lease runs out', async () => {
    const now = Date.now();
    await enqueue(db, 1, now);
    const [first] = await queue.claim('a', 1, now);
    expect(await queue.claim('b', 1, now + 500)).toEqual([]);
    const [again] = await queue.claim('b', 1, now + 1001);
    expect(again.id).toBe(first.id);
    expect(again.attempts).toBe(2);
    expect(await queue.finish(first.id, 'a', 'sent')).toBe(false);
    expect(await queue.finish(first.id, 'b', 'sent')).toBe(true);
  });

  it('should retry with backoff and declare an item dead after the last attempt', async () => {
    const now = Date.now();
    await enqueue(db, 1, now);
    let [row] = await queue.claim('a', 1, now);
    expect(await queue.retry(row, 'a', 'boom', { now })).toBe('pending');
    expect(await queue.claim('a', 1, now)).toEqual([]);
    [row] = await queue.claim('a', 1, now + 1000);
    await queue.retry(row, 'a', 'boom', { now: now + 1000 });
    [row] = await queue.claim('a', 1, now + 5000);
    expect(row.attempts).toBe(3);
    expect(await queue.retry(row, 'a', 'boom again', { now: now + 5000 })).toBe('dead');
    expect(await queue.claim('a', 1, now + 60000)).toEqual([]);
    const stored = await db.db.selectFrom('outbound_events').selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ state: 'dead', last_error: 'boom again', attempts: 3 });
  });

  it('should store a job once per de-duplication key within the window, then let a new one take the key', async () => {
    const now = Date.now();
    const job = { kind: 'member_joined' as const, discordId: '123456789012345678', payload: { a: 1 }, dedupKey: 'k' };
    const first = await queue.enqueue(job, { now });
    expect(first).toMatchObject({
      duplicate: false,
      row: { kind: 'member_joined', payload: '{"a":1}', state: 'pending' },
    });
    expect(queue.read(first.row).data).toEqual({ a: 1 });
    const again = await queue.enqueue(job, { now: now + 999 });
    expect(again).toEqual({ duplicate: true, row: first.row });
    const later = await queue.enqueue(job, { now: now + 1001, claimFor: 'a' });
    expect(later.duplicate).toBe(false);
    expect(later.row).toMatchObject({ dedup_key: 'k', lease_owner: 'a', attempts: 1 });
    expect((await queue.find('k'))?.id).toBe(later.row.id);
    expect((await queue.recent('123456789012345678', 5)).map((r) => r.dedup_key)).toEqual(['k', `k#${first.row.id}`]);
  });

  it('should store one job per key and window, whatever the sequence (property)', async () => {
    const steps = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), wait: fc.integer({ min: 0, max: 700 }) }), {
      maxLength: 30,
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        const prefix = `run${run++}-`;
        const lastStored = new Map<string, number>();
        let now = Date.now();
        for (const { key, wait } of sequence) {
          now += wait;
          const dedupKey = prefix + key;
          const stored = await queue.enqueue(
            { kind: 'role_updated', discordId: '1'.repeat(18), payload: null, dedupKey },
            { now },
          );
          // The window is 1000 ms from the job that holds the key.
          const holder = lastStored.get(dedupKey);
          const duplicate = holder !== undefined && now < holder + 1000;
          if (stored.duplicate !== duplicate) return false;
          if (!duplicate) lastStored.set(dedupKey, now);
          if ((await queue.find(dedupKey))?.created_at !== lastStored.get(dedupKey)) return false;
        }
        return true;
      }),
      fuzzParameters('queue de-duplication', { numRuns: 40 }),
    );
  });

  it('should report depth and the age of the oldest pending item', async () => {
    const now = Date.now();
    await enqueue(db, 3, now - 5000);
    expect(await queue.stats(now)).toEqual({ depth: 3, oldestAgeMs: 5000 });
  });

  it('should deliver every item exactly once with two workers sharing the table', async () => {
    const ids = await enqueue(db, 60);
    const deliveries: string[] = [];
    const handler = {
      async deliver(row: OutboundEventTable): Promise<DeliveryResult<'sent' | 'failed'>> {
        deliveries.push(row.id);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        // Every fifth item fails once, to exercise the retry path under contention.
        if (row.attempts === 1 && ids.indexOf(row.id) % 5 === 0) return { retry: 'transient' };
        return { final: 'sent' };
      },
    };
    const fast = new DurableQueue<Jobs, OutboundEventTable>(
      db,
      definition({ ...policy, baseDelayMs: 10, maxDelayMs: 20 }),
    );
    const logger = new Logger('test');
    const workers = ['w1', 'w2'].map(
      (owner) => new QueueWorker(fast, handler, owner, { concurrency: 4, pollMs: 5, attemptTimeoutMs: 500 }, logger),
    );
    workers.forEach((w) => w.start());
    const sent = async () =>
      (await db.db.selectFrom('outbound_events').select('id').where('state', '=', 'sent').execute()).length;
    let done = 0;
    for (let i = 0; i < 400 && done < 60; i++) {
      done = await sent();
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all(workers.map((w) => w.stop()));
    expect(done).toBe(60);
    // Each item was handed out once; those that failed once were handed out exactly once more.
    const handedOut = new Map<string, number>();
    for (const id of deliveries) handedOut.set(id, (handedOut.get(id) ?? 0) + 1);
    expect(ids.map((id, i) => handedOut.get(id) === (i % 5 === 0 ? 2 : 1))).toEqual(ids.map(() => true));
  });
});
