import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
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

const PG_CONNECT_TIMEOUT_MS = 10_000;

/**
 * SQLite: how often the write-ahead log is copied back into the database file. SQLite's own automatic
 * checkpoint runs inside whichever write crosses 1,000 pages, with an fsync, on the request path; a timer
 * instead copies each page written since the last one once, off any request, which halves a write's cost
 * under load (see the benchmark's row 1c).
 */
const SQLITE_CHECKPOINT_MS = 1_000;

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

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
  private readonly checkpoints?: NodeJS.Timeout;

  constructor(options: DatabaseOptions) {
    if (options.databaseUrl) {
      this.dialect = 'postgres';
      this.schema = options.schema;
      const pool = new Pool({
        connectionString: options.databaseUrl,
        max: 10,
        // A server that never answers fails the boot (and each later query) instead of hanging it.
        connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
        types: PG_TYPES,
        ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
      });
      this.db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    } else {
      this.dialect = 'sqlite';
      let file = options.sqliteFile;
      if (!file) {
        mkdirSync(options.dataDir, { recursive: true });
        file = join(options.dataDir, 'moddy.sqlite');
      }
      const sqlite = new BetterSqlite3(file);
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('busy_timeout = 5000');
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma('wal_autocheckpoint = 0');
      this.checkpoints = setInterval(() => this.checkpoint(sqlite), SQLITE_CHECKPOINT_MS).unref();
      this.db = new Kysely<Tables>({ dialect: new GroupCommitSqlite(sqlite).dialect() });
    }
  }

  /** Brings the schema to the latest migration; throws (and so stops the boot) when one fails. */
  async migrate(): Promise<void> {
    if (this.schema) await this.db.schema.createSchema(this.schema).ifNotExists().execute();
    // Kysely looks for its migration tables in every schema unless told which one: another schema's tables
    // (a second app, a test's leftovers) would then pass for ours. Ours live in the schema we write to.
    const migrationTableSchema = this.schema ?? (this.dialect === 'postgres' ? await this.currentSchema() : undefined);
    const migrator = new Migrator({ db: this.db, provider, migrationTableSchema });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Error') this.logger.error(`Migration ${r.migrationName} failed`);
      else if (r.status === 'Success') this.logger.log(`Migration ${r.migrationName} applied`);
    }
    if (error) throw error instanceof Error ? error : new Error('Migration failed');
  }

  /** PostgreSQL: the schema new tables go to (the first of search_path that exists). */
  private async currentSchema(): Promise<string> {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.db);
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('no schema of search_path exists on this database');
    return schema;
  }

  /** A trivial round trip, for the readiness probe. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
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
      this.logger.warn(`SQLite checkpoint failed: ${(error as Error).message}`);
    }
  }
}
