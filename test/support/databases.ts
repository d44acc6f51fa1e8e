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
let skipNoticeShown = false;

/** The stores the e2e suites can run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDatabaseNames(): TestDatabase['name'][] {
  if (!pgUrl) {
    showSkipNotice();
    return ['sqlite'];
  }
  return ['sqlite', 'postgres'];
}

function showSkipNotice(): void {
  if (skipNoticeShown) return;
  skipNoticeShown = true;
  console.warn('SKIPPED: PostgreSQL storage tests (TEST_DATABASE_URL is not set); SQLite ran alone.');
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
 * The stores the storage tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL points at one
 * (CI: postgres://postgres@127.0.0.1:5432/test). Each PostgreSQL database lives in a fresh schema.
 */
export function testDatabases(): TestDatabase[] {
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
  if (!pgUrl) {
    showSkipNotice();
    return list;
  }
  const schemas: string[] = [];
  const pgCreated: DatabaseService[] = [];
  list.push({
    name: 'postgres',
    async create() {
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
