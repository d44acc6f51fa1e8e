import { sql, type Kysely } from 'kysely';

/** 0003: what the bot remembers of a member (language, premium state). */
export async function createMemberProfiles(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('member_profiles')
    .addColumn('discord_id', 'text', (c) => c.primaryKey())
    .addColumn('locale', 'text')
    .addColumn('premium', 'integer')
    .addColumn('plan', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

/** 0006: the time of the event that set the premium state (older events change nothing). */
export async function addPremiumOccurredAt(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('member_profiles').addColumn('premium_occurred_at', 'bigint').execute();
}

/** 0008: premium states set by an event from the future come back to the time of the migration (see roles.ts). */
export async function clampFuturePremiumTimes(db: Kysely<unknown>, now = Date.now()): Promise<void> {
  await sql`update member_profiles set premium_occurred_at = ${now} where premium_occurred_at > ${now}`.execute(db);
}

/** 0008: until when a member's DMs are known closed (50007): no automatic DM is tried before then. */
export async function addDmClosedUntil(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('member_profiles').addColumn('dm_closed_until', 'bigint').execute();
}

/** 0008: the member's DM channel, kept so a DM costs one request after a restart or on another replica. */
export async function addDmChannelId(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('member_profiles').addColumn('dm_channel_id', 'text').execute();
}
