import { sql, type Kysely, type Migration } from 'kysely';

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
  '0002_refunds': {
    async up(db: Kysely<unknown>) {
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
    },
  },
  '0003_durable_delivery': {
    async up(db: Kysely<unknown>) {
      const queueTable = (name: string) =>
        db.schema
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
      await queueTable('notifications')
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('dedup_until', 'bigint', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('notifications_due')
        .on('notifications')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('notifications_inbox')
        .on('notifications')
        .columns(['discord_id', 'created_at'])
        .execute();
      await queueTable('outbound_events')
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('metadata', 'text')
        .execute();
      await db.schema
        .createIndex('outbound_events_due')
        .on('outbound_events')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('pending_role_changes')
        .addColumn('guild_id', 'text', (c) => c.notNull())
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('add_roles', 'text')
        .addColumn('remove_roles', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('pending_role_changes_pk', ['guild_id', 'discord_id'])
        .execute();
      await db.schema
        .createTable('member_profiles')
        .addColumn('discord_id', 'text', (c) => c.primaryKey())
        .addColumn('locale', 'text')
        .addColumn('premium', 'integer')
        .addColumn('plan', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0004_idempotency_leases': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('idempotency_keys').addColumn('owner', 'text').execute();
      await db.schema.alterTable('idempotency_keys').addColumn('lease_until', 'bigint').execute();
      // Reservations made before leases keep the minute they were given.
      await sql`update idempotency_keys set lease_until = created_at + 60000 where status_code is null`.execute(db);
    },
  },
  '0005_signature_uses': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signature_uses')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signature_uses_expires_at').on('signature_uses').column('expires_at').execute();
    },
  },
  '0006_role_truth': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('member_roles')
        .addColumn('guild_id', 'text', (c) => c.notNull())
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('applied_version', 'integer', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint')
        .addColumn('desired', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('joins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('expires_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('member_roles_pk', ['guild_id', 'discord_id'])
        .execute();
      await db.schema
        .createIndex('member_roles_due')
        .on('member_roles')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createTable('role_changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('guild_id', 'text', (c) => c.notNull())
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('plan', 'text')
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'bigint')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('results', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('settled_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('role_changes_member')
        .on('role_changes')
        .columns(['guild_id', 'discord_id', 'version'])
        .execute();
      await db.schema
        .createIndex('role_changes_history')
        .on('role_changes')
        .columns(['discord_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('premium_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('discord_id', 'text', (c) => c.notNull())
        .addColumn('plan', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('ended_by', 'text')
        .execute();
      await db.schema.createIndex('premium_grants_member').on('premium_grants').column('discord_id').execute();
      await db.schema
        .createTable('role_sweeps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('summary', 'text')
        .addColumn('held', 'text')
        .addColumn('channel_id', 'text')
        .addColumn('message_id', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'bigint')
        .addColumn('decision', 'text')
        .execute();
      await db.schema.createIndex('role_sweeps_state').on('role_sweeps').columns(['state', 'created_at']).execute();
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('member_profiles').addColumn('premium_occurred_at', 'bigint').execute();
    },
  },
  '0007_outbound_events_as_jobs': {
    // The outbound events become jobs like the notifications (kind, payload, dedup key): one queue code for both.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('outbound_events').renameColumn('event_type', 'kind').execute();
      await db.schema.alterTable('outbound_events').renameColumn('metadata', 'payload').execute();
      await db.schema.alterTable('outbound_events').addColumn('dedup_key', 'text').execute();
      await db.schema.alterTable('outbound_events').addColumn('dedup_until', 'bigint').execute();
      await db.schema.createIndex('outbound_events_dedup').on('outbound_events').column('dedup_key').unique().execute();
    },
  },
};
