import { mkdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import { Pool, types as pgTypes, type PoolConfig } from 'pg';
import { MIGRATIONS } from './migrations/index';
import { GroupCommitSqlite } from './sqlite-group-commit';
import type { Db, Tables } from './tables';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres:// URL; when absent, SQLite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** SQLite only: ':memory:' for tests. */
  sqliteFile?: string;
  /** PostgreSQL only: a schema of its own (created if absent), so tests can share one server. */
  schema?: string;
}

/** int8 columns hold epoch milliseconds, well inside Number's exact range. */
const INT8_OID = 20;
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : (pgTypes.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as typeof pgTypes.getTypeParser,
};

/** At boot (migrations), PostgreSQL gets this long to accept a connection before the start fails. */
const PG_CONNECT_TIMEOUT_MS = 10_000;
/**
 * While serving: how long a statement may wait for a connection, and for its answer. Both stay under the
 * contract's 5 s so that a database that is down or frozen gets the caller a 503 in time, not a 500 after 10 s.
 */
const PG_ACQUIRE_TIMEOUT_MS = 2_500;
const PG_QUERY_TIMEOUT_MS = 2_500;
/** A pool error (a connection lost while idle) is logged at most this often: a restart is one event. */
const PG_ERROR_LOG_EVERY_MS = 60_000;

/**
 * SQLite: how often the write-ahead log is copied back into the database file. SQLite's own automatic
 * checkpoint runs inside whichever write crosses 1,000 pages, with an fsync, on the request path; a timer
 * instead copies each page written since the last one once, off any request, which halves a write's cost
 * under load (see the benchmark's row 1c).
 */
const SQLITE_CHECKPOINT_MS = 1_000;
/** SQLite: how often the readiness probe's real write is made (in between, its last answer stands). */
const WRITE_CHECK_EVERY_MS = 5_000;
/** SQLite: with less free space than this on its disk, the store is reported down (writes are about to fail). */
const MIN_FREE_BYTES = 2 * 1024 * 1024;
/** A checkpoint that keeps failing (a full disk) is logged at most this often. */
const CHECKPOINT_WARN_EVERY_MS = 60_000;

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** PostgreSQL: the schema new tables go to (the first of search_path that exists). */
async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of search_path exists on this database');
  return schema;
}

/**
 * The one store of the service: SQLite embedded by default, PostgreSQL when DATABASE_URL is set.
 * Same Kysely code and migrations for both.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  readonly db: Db;
  readonly dialect: Dialect;
  private readonly schema?: string;
  /** SQLite: the folder of the database file (its disk is watched by checkWritable). */
  private readonly sqliteDir?: string;
  private readonly checkpoints?: NodeJS.Timeout;
  /** PostgreSQL: how to open a connection, for the migrations' own pool (no statement timeout there). */
  private readonly pgOptions?: PoolConfig;
  private poolErrorLoggedAt = Number.NEGATIVE_INFINITY;
  private checkpointWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(options: DatabaseOptions) {
    if (options.databaseUrl) {
      this.dialect = 'postgres';
      this.schema = options.schema;
      this.pgOptions = {
        connectionString: options.databaseUrl,
        types: PG_TYPES,
        keepAlive: true,
        ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      };
      const pool = new Pool({
        ...this.pgOptions,
        max: 10,
        connectionTimeoutMillis: PG_ACQUIRE_TIMEOUT_MS,
        query_timeout: PG_QUERY_TIMEOUT_MS,
      });
      // A connection the server dropped (a restart, a failover, a reset) is reported as an 'error' event:
      // by the pool while idle, by the client itself while checked out between two statements (a transaction).
      // Without a listener Node would end the process. The pool drops such a client and opens a new one.
      pool.on('error', (error) => this.poolError(error));
      pool.on('connect', (client) => client.on('error', (error) => this.poolError(error)));
      this.db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    } else {
      this.dialect = 'sqlite';
      let file = options.sqliteFile;
      if (!file) {
        mkdirSync(options.dataDir, { recursive: true });
        file = join(options.dataDir, 'moddy.sqlite');
        this.sqliteDir = options.dataDir;
      }
      const sqlite = new BetterSqlite3(file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 5000');
      // FULL: each commit is on the disk before its caller is told (NORMAL survives a process crash, not a
      // power loss: the last commits could roll back after callers were answered 200).
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('wal_autocheckpoint = 0');
      this.checkpoints = setInterval(() => this.checkpoint(sqlite), SQLITE_CHECKPOINT_MS).unref();
      this.db = new Kysely<Tables>({ dialect: new GroupCommitSqlite(sqlite).dialect() });
    }
  }

  /**
   * Brings the schema to the latest migration; throws (and so stops the boot) when one fails. On PostgreSQL
   * the migrations have a pool of their own, without the serving timeouts: a migration may take its time.
   */
  async migrate(): Promise<void> {
    const db = this.pgOptions
      ? new Kysely<Tables>({
          dialect: new PostgresDialect({
            pool: new Pool({ ...this.pgOptions, max: 1, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS }),
          }),
        })
      : this.db;
    try {
      await this.migrateWith(db);
    } finally {
      if (db !== this.db) await db.destroy();
    }
  }

  private async migrateWith(db: Db): Promise<void> {
    if (this.schema) await db.schema.createSchema(this.schema).ifNotExists().execute();
    // Kysely looks for its migration tables in every schema unless told which one: another schema's tables
    // (a second app, a test's leftovers) would then pass for ours. Ours live in the schema we write to.
    const migrationTableSchema = this.schema ?? (this.dialect === 'postgres' ? await currentSchema(db) : undefined);
    const migrator = new Migrator({ db, provider, migrationTableSchema });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Error') this.logger.error(`Migration ${r.migrationName} failed`);
      else if (r.status === 'Success') this.logger.log(`Migration ${r.migrationName} applied`);
    }
    if (error) throw error instanceof Error ? error : new Error('Migration failed');
  }

  /** A connection the server dropped while idle: said once a minute at most, at warn, without the URL. */
  private poolError(error: Error): void {
    if (Date.now() - this.poolErrorLoggedAt < PG_ERROR_LOG_EVERY_MS) return;
    this.poolErrorLoggedAt = Date.now();
    const code = (error as { code?: string }).code;
    this.logger.warn(
      `PostgreSQL dropped a connection (${code ?? error.message}); the pool opens a new one when needed`,
    );
  }

  /** A trivial round trip. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  private lastWriteCheck: { at: number; result: Promise<void> } | undefined;

  /**
   * Whether the store takes writes now, for the readiness probe: on SQLite, room on its disk and a real write
   * (a full or failing disk lets `select 1` through but refuses writes; a small write can still fit in the
   * write-ahead log's space while every larger one fails, hence the free space), at most every
   * WRITE_CHECK_EVERY_MS, the answer kept in between; on PostgreSQL a round trip (its disk is its server's).
   */
  checkWritable(now = Date.now()): Promise<void> {
    if (this.dialect === 'postgres') return this.ping();
    if (this.lastWriteCheck && now - this.lastWriteCheck.at < WRITE_CHECK_EVERY_MS) return this.lastWriteCheck.result;
    const result = this.roomLeft().then(() =>
      sql`
        insert into store_probe (id, checked_at) values (1, ${now})
        on conflict (id) do update set checked_at = excluded.checked_at`
        .execute(this.db)
        .then(() => undefined),
    );
    this.lastWriteCheck = { at: now, result };
    result.catch(() => undefined); // the probe reports it
    return result;
  }

  /** Fails when the disk of the SQLite file has less than MIN_FREE_BYTES left (a disk about to refuse writes). */
  private async roomLeft(): Promise<void> {
    if (!this.sqliteDir) return;
    const { bavail, bsize } = await statfs(this.sqliteDir);
    const free = bavail * bsize;
    if (free < MIN_FREE_BYTES) {
      throw Object.assign(new Error(`the disk of DATA_DIR has ${Math.floor(free / 1024)} KiB left`), {
        code: 'SQLITE_FULL',
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.checkpoints);
    await this.db.destroy();
  }

  /** Copies the log back without waiting for readers; a busy database is simply tried again next time. */
  private checkpoint(sqlite: BetterSqlite3.Database): void {
    if (!sqlite.open) return clearInterval(this.checkpoints);
    // A batch of statements is being written (see GroupCommitSqlite): the next tick copies it.
    if (sqlite.inTransaction) return;
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      if (Date.now() - this.checkpointWarnedAt < CHECKPOINT_WARN_EVERY_MS) return;
      this.checkpointWarnedAt = Date.now();
      this.logger.warn(`SQLite checkpoint failed: ${(error as Error).message}`);
    }
  }
}
