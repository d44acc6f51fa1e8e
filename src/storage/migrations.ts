import type { Kysely, Migration } from 'kysely';

/**
 * The schema, one migration per step, run at boot on SQLite and PostgreSQL alike.
 * Only portable types are used: text, integer, bigint (epoch ms).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_idempotency_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('idempotency_keys_expires_at').on('idempotency_keys').column('expires_at').execute();
    },
  },
};
