import type BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** Prepared statements kept per SQL text: Kysely hands over every query as text, and preparing is SQLite's compile. */
const STATEMENTS_MAX = 500;

/** The statements run since the last commit, committed together; each waits for that commit. */
interface Batch {
  committed: Promise<void>;
  /** Commits the batch (at the end of its turn, or when the database closes). */
  commit: () => void;
  /** Ends the batch as failed: SQLite gave the whole transaction up (it does on some errors). */
  fail: (error: unknown) => void;
}

/**
 * SQLite with group commit. Outside an explicit transaction, every statement run in one turn of the event
 * loop joins one transaction, committed at the end of that turn (setImmediate); each statement's promise
 * settles only once that commit is done, so whoever awaits a write knows it is stored, exactly as with one
 * commit per statement. Under load (many requests at once) one commit, the costly part of a small write in
 * WAL mode, then serves them all. A statement that fails is undone alone (SQLite's statement rollback) and
 * fails alone; a commit that fails fails every statement of its batch.
 *
 * Explicit transactions (`db.transaction()`) keep SQLite's one-writer rule: each waits for the open batch
 * to commit, then runs alone; other statements wait for it to end.
 */
export class GroupCommitSqlite {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private batch: Batch | undefined;
  /** The connection of the explicit transaction running now. */
  private owner: DatabaseConnection | undefined;
  /** Explicit transactions running or waiting, and the promise that settles once the last of them ends. */
  private transactions = 0;
  private transactionsDone: Promise<void> = Promise.resolve();
  /** Ends the running explicit transaction's turn, letting the next one (or the batches) go on. */
  private release: (() => void) | undefined;

  constructor(readonly sqlite: BetterSqlite3.Database) {}

  /** Kysely's dialect over this SQLite database. */
  dialect(): SqliteDialect {
    const driver = new GroupCommitDriver(this);
    return new (class extends SqliteDialect {
      override createDriver(): Driver {
        return driver;
      }
    })({ database: this.sqlite });
  }

  async execute<R>(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    if (connection === this.owner) return this.run<R>(query);
    while (this.transactions > 0) await this.transactionsDone;
    const batch = this.batch ?? this.open();
    let result: QueryResult<R>;
    try {
      result = this.run<R>(query);
    } catch (error) {
      // The statement took the batch down with it: nothing of the batch is stored, and what comes next
      // must not run outside a transaction thinking it is inside one.
      if (!this.sqlite.inTransaction) batch.fail(error);
      throw error;
    }
    await batch.committed;
    return result;
  }

  async begin(connection: DatabaseConnection): Promise<void> {
    this.transactions++;
    const previous = this.transactionsDone;
    let release!: () => void;
    const ended = new Promise<void>((resolve) => (release = resolve));
    this.transactionsDone = previous.then(() => ended);
    await previous;
    this.release = release;
    try {
      await this.batch?.committed.catch(() => undefined);
      this.sqlite.exec('begin');
    } catch (error) {
      this.endTurn();
      throw error;
    }
    this.owner = connection;
  }

  /**
   * Commits or rolls back the running explicit transaction and ends its turn. A commit that fails rolls back
   * at once, so nothing is left open for the next statements; Kysely's rollback after it then has nothing to do.
   */
  end(statement: 'commit' | 'rollback'): void {
    if (!this.release) return;
    try {
      // SQLite already gave the transaction up on some errors: there is nothing to roll back then.
      if (statement === 'commit' || this.sqlite.inTransaction) this.sqlite.exec(statement);
    } catch (error) {
      if (this.sqlite.inTransaction) this.sqlite.exec('rollback');
      throw error;
    } finally {
      this.endTurn();
    }
  }

  /** Commits what is open (the process is stopping), then closes the database. */
  close(): void {
    this.batch?.commit();
    this.sqlite.close();
  }

  private endTurn(): void {
    const release = this.release;
    this.release = undefined;
    this.owner = undefined;
    this.transactions--;
    release?.();
  }

  private open(): Batch {
    this.sqlite.exec('begin');
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    // A batch whose only statement failed has nobody waiting for its commit.
    committed.catch(() => undefined);
    const detach = () => {
      if (this.batch !== batch) return false;
      this.batch = undefined;
      return true;
    };
    const batch: Batch = {
      committed,
      commit: () => {
        if (!detach()) return;
        try {
          this.sqlite.exec('commit');
          resolve();
        } catch (error) {
          // A commit that fails (a full or failing disk) may leave the transaction open; a rollback that fails
          // too must not escape this timer callback (it would end the process): the batch fails either way.
          try {
            if (this.sqlite.inTransaction) this.sqlite.exec('rollback');
          } catch {
            // SQLite rolls back by itself when it can
          }
          reject(error);
        }
      },
      fail: (error) => {
        if (detach()) reject(error);
      },
    };
    this.batch = batch;
    setImmediate(batch.commit);
    return batch;
  }

  private run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  private prepare(text: string): BetterSqlite3.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      if (this.statements.size >= STATEMENTS_MAX) this.statements.clear();
      statement = this.sqlite.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
}

/** One Kysely connection: a handle on the shared database, so statements of many callers can join a batch. */
class GroupCommitConnection implements DatabaseConnection {
  constructor(private readonly store: GroupCommitSqlite) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.store.execute<R>(this, query);
  }

  /** The rows one at a time, read at once (a statement cannot stay open across a batch's commit). */
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(query);
    for (const row of rows) yield { rows: [row] };
  }
}

class GroupCommitDriver implements Driver {
  constructor(private readonly store: GroupCommitSqlite) {}

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new GroupCommitConnection(this.store));
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    void settings;
    return this.store.begin(connection);
  }

  commitTransaction(): Promise<void> {
    this.store.end('commit');
    return Promise.resolve();
  }

  rollbackTransaction(): Promise<void> {
    this.store.end('rollback');
    return Promise.resolve();
  }

  async releaseConnection(): Promise<void> {}

  destroy(): Promise<void> {
    this.store.close();
    return Promise.resolve();
  }
}
