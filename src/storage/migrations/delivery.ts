import type { Kysely } from 'kysely';

/** The columns every queue table starts with. */
function queueTable(db: Kysely<unknown>, name: string) {
  return db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint');
}

/** 0003: the billing inbox, the queue of every DM to a member. */
export async function createNotifications(db: Kysely<unknown>): Promise<void> {
  await queueTable(db, 'notifications')
    .addColumn('discord_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
    .addColumn('dedup_until', 'bigint', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_due').on('notifications').columns(['state', 'next_attempt_at']).execute();
  await db.schema
    .createIndex('notifications_inbox')
    .on('notifications')
    .columns(['discord_id', 'created_at'])
    .execute();
}

/** 0003: analytics events for the backend, a queue of their own. */
export async function createOutboundEvents(db: Kysely<unknown>): Promise<void> {
  await queueTable(db, 'outbound_events')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('discord_id', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text')
    .execute();
  await db.schema
    .createIndex('outbound_events_due')
    .on('outbound_events')
    .columns(['state', 'next_attempt_at'])
    .execute();
}

/** 0007: outbound events become jobs like the DMs (kind, payload, dedup key): one queue code for both. */
export async function outboundEventsAsJobs(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbound_events').renameColumn('event_type', 'kind').execute();
  await db.schema.alterTable('outbound_events').renameColumn('metadata', 'payload').execute();
  await db.schema.alterTable('outbound_events').addColumn('dedup_key', 'text').execute();
  await db.schema.alterTable('outbound_events').addColumn('dedup_until', 'bigint').execute();
  await db.schema.createIndex('outbound_events_dedup').on('outbound_events').column('dedup_key').unique().execute();
}
