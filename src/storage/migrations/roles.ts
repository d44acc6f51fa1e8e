import { sql, type Kysely } from 'kysely';

/** 0003: role changes for members not in the guild yet (member_roles replaced it in 0006; old rows are moved over at boot). */
export async function createPendingRoleChanges(db: Kysely<unknown>): Promise<void> {
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
}

/** 0006: one ordered role state per member, its history, staff grants, sweeps. */
export async function createRoleTruth(db: Kysely<unknown>): Promise<void> {
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
  await db.schema.createIndex('member_roles_due').on('member_roles').columns(['state', 'next_attempt_at']).execute();
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
}

/**
 * 0008: occurred_at values from the future (accepted before contract 1.2 bounded them) come back to the time
 * of the migration: one such value outranked every real event for its member for good.
 */
export async function clampFutureRoleTimes(db: Kysely<unknown>, now = Date.now()): Promise<void> {
  await sql`update member_roles set occurred_at = ${now} where occurred_at > ${now}`.execute(db);
}

/** 0008: the truth reads owed to members (a member the ledger never heard of joined), a queue of their own. */
export async function createMemberChecks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('member_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('discord_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text')
    .addColumn('dedup_key', 'text', (c) => c.unique())
    .addColumn('dedup_until', 'bigint')
    .execute();
  await db.schema.createIndex('member_checks_due').on('member_checks').columns(['state', 'next_attempt_at']).execute();
}

/** 0008: a sweep's scope, and its progress (a sweep resumes from the last member it checked). */
export async function addSweepProgress(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('role_sweeps').addColumn('scope', 'text').execute();
  await db.schema.alterTable('role_sweeps').addColumn('progress', 'text').execute();
}
