import type { Kysely } from 'kysely';

/** 0006: named leases, one holder at a time across replicas. */
export async function createLeases(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .execute();
}

/** 0008: one row the readiness probe writes (SQLite: a full or failing disk still answers `select 1`). */
export async function createStoreProbe(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('checked_at', 'bigint', (c) => c.notNull())
    .execute();
}
