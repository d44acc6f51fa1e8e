import type { Kysely } from 'kysely';

/** 0002: confirmations, notices once per refund id, the audit trail. */
export async function createRefundTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('refund_confirmations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('admin_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('invoice_id', 'text', (c) => c.notNull())
    .addColumn('invoice_amount', 'bigint', (c) => c.notNull())
    .addColumn('invoice_created', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('refund_id', 'text')
    .addColumn('amount_refunded', 'bigint')
    .addColumn('detail', 'text')
    .execute();
  await db.schema
    .createTable('refund_notices')
    .addColumn('refund_id', 'text', (c) => c.primaryKey())
    .addColumn('discord_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('refund_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('confirmation_id', 'text')
    .addColumn('admin_id', 'text')
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('reason', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('refund_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('posted_at', 'bigint')
    .execute();
  await db.schema.createIndex('refund_audit_target_id').on('refund_audit').column('target_id').execute();
  await db.schema.createIndex('refund_audit_created_at').on('refund_audit').column('created_at').execute();
}
