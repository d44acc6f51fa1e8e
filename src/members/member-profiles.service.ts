import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { AppConfig, type SupportedLocale } from '../config/app-config';
import { resolveLocale } from '../i18n/i18n';
import { DatabaseService } from '../storage/database.service';
import type { MemberProfileTable } from '../storage/tables';

/** What a DM to a member needs to know of them. */
export interface DmProfile {
  /** The language to write in: the one they last used with the bot, else DEFAULT_LOCALE. */
  locale: SupportedLocale;
  /** Until when their DMs are known closed (null: not known closed). */
  dmClosedUntil: number | null;
  /** Their DM channel, when Discord opened one before. */
  dmChannelId: string | null;
}

const REMEMBERED_MAX = 50_000;
/**
 * How long a member whose DMs Discord refused (50007) is not DMed automatically: each such attempt is one more
 * 403 against the bot's invalid-request budget (10,000 in 10 minutes blocks its IP for an hour).
 */
export const DM_CLOSED_FOR_MS = 24 * 3_600_000;

/** The stored premium column as a state: 1 premium, 0 not, null (or no profile) never told. */
const premiumState = (row: { premium: number | null } | undefined): boolean | null =>
  row?.premium === null || row?.premium === undefined ? null : row.premium === 1;

/**
 * What the bot remembers of a member: the language they last used with it (DMs are written in it) and
 * their premium state as the backend last told it.
 */
@Injectable()
export class MemberProfiles {
  /** Locales already written, so an interaction costs a database write only when the language changes. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly database: DatabaseService,
    private readonly config: AppConfig,
  ) {}

  async rememberLocale(discordId: string, locale: string, now = Date.now()): Promise<void> {
    if (this.written.get(discordId) === locale) return;
    await this.database.db
      .insertInto('member_profiles')
      .values({
        discord_id: discordId,
        locale,
        premium: null,
        plan: null,
        premium_occurred_at: null,
        updated_at: now,
        dm_closed_until: null,
        dm_channel_id: null,
      })
      .onConflict((oc) => oc.column('discord_id').doUpdateSet({ locale, updated_at: now }))
      .execute();
    if (this.written.size >= REMEMBERED_MAX) this.written.clear();
    this.written.set(discordId, locale);
  }

  /** What a DM to each of these members needs (see dmProfileOf), in one query. */
  async dmProfilesOf(discordIds: string[]): Promise<Map<string, DmProfile>> {
    const unique = [...new Set(discordIds)];
    const rows =
      unique.length === 0
        ? []
        : await this.database.db
            .selectFrom('member_profiles')
            .select(['discord_id', 'locale', 'dm_closed_until', 'dm_channel_id'])
            .where('discord_id', 'in', unique)
            .execute();
    const stored = new Map(rows.map((row) => [row.discord_id, row]));
    return new Map(unique.map((id) => [id, this.dmProfile(stored.get(id))]));
  }

  /** Whether a plan is premium: any plan PLAN_ROLES maps (or, with no mapping, any plan but free). */
  isPremiumPlan(plan: string): boolean {
    return this.config.planRoles.isPremium(plan);
  }

  /**
   * Records the premium state a subscription event implies: a premium plan sets it; a cancellation or a
   * non-premium plan clears it; no plan leaves it as it was. An event older (occurred_at) than the one that
   * set the stored state changes nothing: `stale`. Returns the state now stored (null: unknown) and the
   * language to write to the member in, read by the same statement.
   */
  async recordSubscriptionEvent(
    discordId: string,
    action: string,
    plan: string | null | undefined,
    occurredAt: number | null = null,
    now = Date.now(),
  ): Promise<{ premium: boolean | null; stale: boolean; dm: DmProfile }> {
    let premium: boolean | undefined;
    if (action === 'subscription_cancelled') premium = false;
    else if (plan) premium = this.isPremiumPlan(plan);
    if (premium !== undefined) {
      const stored = await this.storePremium(discordId, premium, plan ?? null, occurredAt, now);
      if (stored) return { premium, stale: false, dm: this.dmProfile(stored) };
    }
    const row = await this.profileOf(discordId);
    return { premium: premiumState(row), stale: premium !== undefined, dm: this.dmProfile(row) };
  }

  /**
   * What a DM to the member needs, in one read: their language, until when their DMs are known closed, and
   * their DM channel.
   */
  async dmProfileOf(discordId: string): Promise<DmProfile> {
    return this.dmProfile(await this.profileOf(discordId));
  }

  private dmProfile(
    row: Pick<MemberProfileTable, 'locale' | 'dm_closed_until' | 'dm_channel_id'> | undefined,
  ): DmProfile {
    return {
      locale: this.resolve(row?.locale),
      dmClosedUntil: row?.dm_closed_until ?? null,
      dmChannelId: row?.dm_channel_id ?? null,
    };
  }

  /** Keeps the member's DM channel (opened by Discord once, the same ever after); null forgets it. */
  async rememberDmChannel(discordId: string, channelId: string | null, now = Date.now()): Promise<void> {
    await this.database.db
      .insertInto('member_profiles')
      .values({
        discord_id: discordId,
        locale: null,
        premium: null,
        plan: null,
        premium_occurred_at: null,
        updated_at: now,
        dm_closed_until: null,
        dm_channel_id: channelId,
      })
      .onConflict((oc) => oc.column('discord_id').doUpdateSet({ dm_channel_id: channelId, updated_at: now }))
      .execute();
  }

  /** Discord refused a DM to the member (50007): no automatic DM is tried for DM_CLOSED_FOR_MS. */
  async dmClosed(discordId: string, now = Date.now()): Promise<void> {
    const until = now + DM_CLOSED_FOR_MS;
    await this.database.db
      .insertInto('member_profiles')
      .values({
        discord_id: discordId,
        locale: null,
        premium: null,
        plan: null,
        premium_occurred_at: null,
        updated_at: now,
        dm_closed_until: until,
        dm_channel_id: null,
      })
      .onConflict((oc) => oc.column('discord_id').doUpdateSet({ dm_closed_until: until, updated_at: now }))
      .execute();
  }

  /**
   * Stores the member's premium state, unless `occurredAt` is older than the time of the state stored.
   * False when it was older (nothing changed).
   */
  async setPremium(
    discordId: string,
    premium: boolean,
    plan: string | null,
    occurredAt: number | null = null,
    now = Date.now(),
  ): Promise<boolean> {
    return (await this.storePremium(discordId, premium, plan, occurredAt, now)) !== undefined;
  }

  /** setPremium in one statement that also reads the member's locale back; undefined when it was older. */
  private async storePremium(
    discordId: string,
    premium: boolean,
    plan: string | null,
    occurredAt: number | null,
    now: number,
  ): Promise<Pick<MemberProfileTable, 'locale' | 'dm_closed_until' | 'dm_channel_id'> | undefined> {
    // Written as SQL (the notify path's hottest statement): the query builder costs as much as SQLite here.
    const flag = premium ? 1 : 0;
    const { rows } = await sql<Pick<MemberProfileTable, 'locale' | 'dm_closed_until' | 'dm_channel_id'>>`
      insert into member_profiles (discord_id, locale, premium, plan, premium_occurred_at, updated_at)
      values (${discordId}, null, ${flag}, ${plan}, ${occurredAt}, ${now})
      on conflict (discord_id) do update set
        premium = ${flag}, plan = ${plan}, updated_at = ${now},
        premium_occurred_at = coalesce(excluded.premium_occurred_at, member_profiles.premium_occurred_at)
      where excluded.premium_occurred_at is null or member_profiles.premium_occurred_at is null
        or excluded.premium_occurred_at >= member_profiles.premium_occurred_at
      returning locale, dm_closed_until, dm_channel_id`.execute(this.database.db);
    return rows[0];
  }

  private resolve(locale: string | null | undefined): SupportedLocale {
    return resolveLocale(locale, this.config.defaultLocale);
  }

  private profileOf(discordId: string) {
    return this.database.db
      .selectFrom('member_profiles')
      .select(['premium', 'locale', 'dm_closed_until', 'dm_channel_id'])
      .where('discord_id', '=', discordId)
      .executeTakeFirst();
  }

  async premiumOf(discordId: string): Promise<boolean | null> {
    return premiumState(await this.profileOf(discordId));
  }

  /** Every member whose recorded state is premium (the role sweep checks them). */
  async premiumMembers(): Promise<string[]> {
    const rows = await this.database.db
      .selectFrom('member_profiles')
      .select('discord_id')
      .where('premium', '=', 1)
      .execute();
    return rows.map((r) => r.discord_id);
  }

  async planOf(discordId: string): Promise<string | null> {
    const row = await this.database.db
      .selectFrom('member_profiles')
      .select(['plan'])
      .where('discord_id', '=', discordId)
      .executeTakeFirst();
    return row?.plan ?? null;
  }
}
