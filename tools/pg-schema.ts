import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface PgSchema {
  /** A DATABASE_URL whose connections use this schema only. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh schema on TEST_DATABASE_URL's server, for tests that boot the whole service (or several) on
 * PostgreSQL through DATABASE_URL. Undefined without TEST_DATABASE_URL.
 */
export async function pgSchema(): Promise<PgSchema | undefined> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return undefined;
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const separator = base.includes('?') ? '&' : '?';
  return {
    url: `${base}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () => admin(`drop schema ${schema} cascade`),
  };
}
