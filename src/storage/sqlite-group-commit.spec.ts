import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely } from 'kysely';
import { fuzzParameters } from '../../test/support/fuzz';
import { GroupCommitSqlite } from './sqlite-group-commit';

interface Tables {
  items: { id: string };
  children: { id: string; parent: string };
  doomed: { id: string };
}

/** A database file, written through GroupCommitSqlite, and a second connection that sees only what is committed. */
function open() {
  const dir = mkdtempSync(join(tmpdir(), 'moddy-group-commit-'));
  const file = join(dir, 'db.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(`
    create table items (id text primary key);
    create table children (id text primary key, parent text references items (id) deferrable initially deferred);
    create table doomed (id text primary key);
    create trigger doom before insert on doomed begin select raise(rollback, 'doomed'); end;`);
  sqlite.pragma('foreign_keys = ON');
  const store = new GroupCommitSqlite(sqlite);
  const db = new Kysely<Tables>({ dialect: store.dialect() });
  const reader = new BetterSqlite3(file, { readonly: true });
  const committed = () =>
    (reader.prepare('select id from items order by id').all() as { id: string }[]).map((r) => r.id);
  const commits = jest.spyOn(sqlite, 'exec');
  const commitCount = () => commits.mock.calls.filter(([text]) => text === 'commit').length;
  const close = async () => {
    reader.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  return { db, sqlite, committed, commitCount, close };
}

const insert = (db: Kysely<Tables>, id: string) => db.insertInto('items').values({ id }).execute();

describe('GroupCommitSqlite', () => {
  let t: ReturnType<typeof open>;
  beforeEach(() => {
    t = open();
  });
  afterEach(() => t.close());

  it('should commit the statements of one turn together, each answered only once it is stored', async () => {
    const seenWhenAnswered: string[][] = [];
    await Promise.all(['a', 'b', 'c'].map((id) => insert(t.db, id).then(() => seenWhenAnswered.push(t.committed()))));
    expect(t.commitCount()).toBe(1);
    expect(seenWhenAnswered).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    // Reads join a batch too, and see the batch's own writes.
    const [, rows] = await Promise.all([insert(t.db, 'd'), t.db.selectFrom('items').select('id').execute()]);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('should fail a statement alone and still store the others of its batch', async () => {
    await insert(t.db, 'a');
    const results = await Promise.allSettled([insert(t.db, 'b'), insert(t.db, 'a'), insert(t.db, 'c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(t.committed()).toEqual(['a', 'b', 'c']);
  });

  it('should fail every statement of a batch whose commit fails, store none of them, and go on', async () => {
    // A deferred foreign key is checked at the commit: the orphan makes the whole batch's commit fail.
    const results = await Promise.allSettled([
      insert(t.db, 'a'),
      t.db.insertInto('children').values({ id: 'orphan', parent: 'nobody' }).execute(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(t.committed()).toEqual([]);
    expect(t.sqlite.inTransaction).toBe(false);
    await insert(t.db, 'b');
    expect(t.committed()).toEqual(['b']);
  });

  it('should fail the statements of a batch SQLite rolled back, and run the next ones in a new batch', async () => {
    // raise(rollback) undoes the whole transaction, as SQLite does by itself on a full disk or an I/O error.
    const results = await Promise.allSettled([
      insert(t.db, 'a'),
      t.db.insertInto('doomed').values({ id: 'x' }).execute(),
      insert(t.db, 'b'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(t.committed()).toEqual(['b']);
    expect(t.sqlite.inTransaction).toBe(false);
  });

  it('should run an explicit transaction alone: statements sent meanwhile are not part of it', async () => {
    let sentDuring: Promise<unknown> | undefined;
    const transaction = t.db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 'in-trx' }).execute();
      sentDuring = insert(t.db, 'outside');
      await new Promise((resolve) => setImmediate(resolve));
      expect(t.committed()).toEqual([]);
      throw new Error('rolled back on purpose');
    });
    await expect(transaction).rejects.toThrow('rolled back on purpose');
    await sentDuring;
    expect(t.committed()).toEqual(['outside']);
  });

  it('should wait for the open batch before an explicit transaction begins', async () => {
    const plain = insert(t.db, 'first');
    await t.db.transaction().execute(async (trx) => {
      expect(t.committed()).toEqual(['first']);
      await trx.insertInto('items').values({ id: 'second' }).execute();
    });
    await plain;
    expect(t.committed()).toEqual(['first', 'second']);
  });

  type Op =
    | { kind: 'insert'; id: number }
    | { kind: 'transaction'; ids: number[]; rollback: boolean }
    | { kind: 'read' }
    | { kind: 'doomed' }
    | { kind: 'tick' };

  it('should store exactly what it answered as stored, whatever the interleaving (property)', async () => {
    const id = fc.integer({ min: 0, max: 12 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), id }),
      fc.record({
        kind: fc.constant('transaction' as const),
        ids: fc.array(id, { maxLength: 3 }),
        rollback: fc.boolean(),
      }),
      fc.constant({ kind: 'read' as const }),
      fc.constant({ kind: 'doomed' as const }),
      fc.constant({ kind: 'tick' as const }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const prefix = `r${run++}-`;
        const stored = new Set<string>();
        const pending: Promise<unknown>[] = [];
        for (const o of ops) {
          if (o.kind === 'tick') {
            await new Promise((resolve) => setImmediate(resolve));
          } else if (o.kind === 'read') {
            // A read in a batch that is rolled back fails too: it may have seen what was never stored.
            pending.push(
              t.db
                .selectFrom('items')
                .select('id')
                .execute()
                .catch(() => undefined),
            );
          } else if (o.kind === 'doomed') {
            // Takes its whole batch down (see above).
            pending.push(
              t.db
                .insertInto('doomed')
                .values({ id: 'x' })
                .execute()
                .catch(() => undefined),
            );
          } else if (o.kind === 'insert') {
            const key = prefix + o.id;
            // Answered as stored: it is, for a reader on another connection, at that moment.
            pending.push(
              insert(t.db, key).then(
                () => {
                  stored.add(key);
                  expect(t.committed()).toContain(key);
                },
                () => undefined,
              ),
            );
          } else {
            const keys = o.ids.map((n) => prefix + n);
            const transaction = t.db.transaction().execute(async (trx) => {
              for (const key of keys) await trx.insertInto('items').values({ id: key }).execute();
              if (o.rollback) throw new Error('rollback');
            });
            pending.push(
              transaction.then(
                () => keys.forEach((key) => stored.add(key)),
                () => undefined,
              ),
            );
          }
        }
        await Promise.all(pending);
        const inDb = t.committed().filter((k) => k.startsWith(prefix));
        expect(inDb.sort()).toEqual([...stored].sort());
      }),
      fuzzParameters('group commit interleavings'),
    );
  });
});
