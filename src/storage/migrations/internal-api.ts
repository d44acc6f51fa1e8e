import { sql, type Kysely } from 'kysely';

/** 0001: the Idempotency-Key store of the internal API (24 h). */
export async function createIdempotencyKeys(db: Kysely<unknown>): Promise<void> {
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
}

/** 0004: a reservation belongs to the live process serving it. */
export async function addIdempotencyLeases(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('owner', 'text').execute();
  await db.schema.alterTable('idempotency_keys').addColumn('lease_until', 'bigint').execute();
  // Reservations made before leases keep the minute they were given.
  await sql`update idempotency_keys set lease_until = created_at + 60000 where status_code is null`.execute(db);
}

/** 0005: signatures accepted within their window (a replay is refused). */
export async function createSignatureUses(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signature_uses')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('signature_uses_expires_at').on('signature_uses').column('expires_at').execute();
}

/** 0008: the Idempotency-Key a signature first came with (a replay with another key, or none, is refused). */
export async function addSignatureKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signature_uses').addColumn('idempotency_key', 'text').execute();
}
