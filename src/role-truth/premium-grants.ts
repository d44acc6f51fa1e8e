import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from '../storage/database.service';
import { newQueueId } from '../storage/durable-queue';
import type { PremiumGrantTable } from '../storage/tables';

/** The longest a staff grant may last. */
export const MAX_GRANT_MS = 366 * 24 * 60 * 60 * 1000;

export interface NewGrant {
  discordId: string;
  plan: string;
  durationMs: number;
  grantedBy: string;
  reason: string | null;
}

/**
 * Premium given on purpose by staff: a source of entitlement beside the backend's subscription, with an
 * expiry. At most one live grant per member (a new one replaces it). Ending one (revoke, expiry) is
 * recorded; the roles follow through the member's ordered role path.
 */
@Injectable()
export class PremiumGrants {
  constructor(
    private readonly database: DatabaseService,
    private readonly config: AppConfig,
  ) {}

  private get db() {
    return this.database.db;
  }

  async grant(input: NewGrant, now = Date.now()): Promise<PremiumGrantTable> {
    const row: PremiumGrantTable = {
      id: newQueueId('g'),
      discord_id: input.discordId,
      plan: input.plan,
      granted_by: input.grantedBy,
      reason: input.reason,
      created_at: now,
      expires_at: now + Math.min(input.durationMs, MAX_GRANT_MS),
      ended_at: null,
      ended_by: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('premium_grants')
        .set({ ended_at: now, ended_by: input.grantedBy })
        .where('discord_id', '=', input.discordId)
        .where('ended_at', 'is', null)
        .execute();
      await trx.insertInto('premium_grants').values(row).execute();
    });
    return row;
  }

  /** Ends the member's live grants; the ones ended. */
  revoke(discordId: string, by: string, now = Date.now()): Promise<PremiumGrantTable[]> {
    return this.db
      .updateTable('premium_grants')
      .set({ ended_at: now, ended_by: by })
      .where('discord_id', '=', discordId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .execute();
  }

  live(discordId: string, now = Date.now()): Promise<PremiumGrantTable[]> {
    return this.db
      .selectFrom('premium_grants')
      .selectAll()
      .where('discord_id', '=', discordId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('expires_at', 'desc')
      .execute();
  }

  /** Members with a live grant (the sweep looks at them too). */
  async liveMembers(now = Date.now()): Promise<string[]> {
    const rows = await this.db
      .selectFrom('premium_grants')
      .select('discord_id')
      .distinct()
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .execute();
    return rows.map((r) => r.discord_id);
  }

  /** Role id -> until when a live grant explains it, for this member. */
  async keptRoles(discordId: string, now = Date.now()): Promise<Map<string, number>> {
    const kept = new Map<string, number>();
    for (const grant of await this.live(discordId, now)) {
      for (const roleId of this.config.planRoles.rolesOf(grant.plan) ?? []) {
        kept.set(roleId, Math.max(kept.get(roleId) ?? 0, grant.expires_at));
      }
    }
    return kept;
  }

  /** Grants past their expiry that nobody has ended yet. */
  expired(now = Date.now(), limit = 100): Promise<PremiumGrantTable[]> {
    return this.db
      .selectFrom('premium_grants')
      .selectAll()
      .where('ended_at', 'is', null)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }

  /** Marks an expired grant as processed; false when another replica already did. */
  async end(id: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('premium_grants')
      .set({ ended_at: now, ended_by: null })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
