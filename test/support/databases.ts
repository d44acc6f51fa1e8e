import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseService } from '../../src/storage/database.service';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** A migrated, empty database of its own. */
  create(): Promise<DatabaseService>;
  /** Drops what create() made. */
  cleanup(): Promise<void>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

/** Whether the PostgreSQL tests run: TEST_DATABASE_URL names a server (CI: postgres://postgres@127.0.0.1:5432/test). */
export const postgresAvailable = Boolean(pgUrl);

/**
 * `describe` for tests that need PostgreSQL: `describe.skip` without TEST_DATABASE_URL, so jest's summary
 * counts them as skipped. The title names PostgreSQL: that is how test/support/skipped-postgres-reporter.js
 * finds them to say, once per run, why they were skipped.
 */
export function describeOnPostgres(title: string, body: () => void): void {
  if (!/postgres/i.test(title)) throw new Error(`A PostgreSQL suite's title must name PostgreSQL: "${title}"`);
  (postgresAvailable ? describe : describe.skip)(title, body);
}

/**
 * One `describe` per store, `$name` in the title standing for its name: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL is set and skipped otherwise (see describeOnPostgres). The body runs to collect the tests
 * either way; only hooks and tests touch the database.
 */
export function describeEachDatabase(title: string, body: (database: TestDatabase) => void): void {
  for (const database of testDatabases()) {
    const describeStore = database.name === 'postgres' ? describeOnPostgres : describe;
    describeStore(title.replace('$name', database.name), () => body(database));
  }
}

async function adminQuery(text: string): Promise<void> {
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh PostgreSQL schema on TEST_DATABASE_URL, as a DATABASE_URL whose connections use it: a service
 * booted on it sees an empty database of its own. `drop()` removes it.
 */
export async function pgSchemaDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create schema ${schema}`);
  const url = new URL(pgUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => adminQuery(`drop schema ${schema} cascade`) };
}

/**
 * The stores the storage tests run on: SQLite, and PostgreSQL on TEST_DATABASE_URL (each database in a fresh
 * schema; create() throws without TEST_DATABASE_URL, which describeEachDatabase never lets happen).
 */
function testDatabases(): TestDatabase[] {
  const sqliteCreated: DatabaseService[] = [];
  const list: TestDatabase[] = [
    {
      name: 'sqlite',
      async create() {
        const db = new DatabaseService({ dataDir: '', sqliteFile: ':memory:' });
        await db.migrate();
        sqliteCreated.push(db);
        return db;
      },
      async cleanup() {
        await Promise.all(sqliteCreated.splice(0).map((db) => db.onApplicationShutdown()));
      },
    },
  ];
  const schemas: string[] = [];
  const pgCreated: DatabaseService[] = [];
  list.push({
    name: 'postgres',
    async create() {
      if (!pgUrl) throw new Error('TEST_DATABASE_URL is not set');
      const schema = `t_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      const db = new DatabaseService({ dataDir: '', databaseUrl: pgUrl, schema });
      await db.migrate();
      pgCreated.push(db);
      return db;
    },
    async cleanup() {
      await Promise.all(pgCreated.splice(0).map((db) => db.onApplicationShutdown()));
      for (const schema of schemas.splice(0)) await adminQuery(`drop schema ${schema} cascade`);
    },
  });
  return list;
}
