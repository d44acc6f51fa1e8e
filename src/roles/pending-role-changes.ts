import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import type { PendingRoleChangeTable } from '../storage/tables';

/** A change for someone who has not joined is kept this long, then forgotten. */
export const PENDING_ROLE_CHANGE_TTL_MS = 90 * 24 * 60 * 60 * 1000;

export interface RoleChangeRequest {
  plan: string;
  add_roles?: string[] | null;
  remove_roles?: string[] | null;
}

/** Role changes waiting for the member to join the guild. One per member and guild: the latest wins. */
@Injectable()
export class PendingRoleChanges {
  constructor(private readonly database: DatabaseService) {}

  async store(guildId: string, discordId: string, change: RoleChangeRequest, now = Date.now()): Promise<void> {
    const values = {
      plan: change.plan,
      add_roles: change.add_roles == null ? null : JSON.stringify(change.add_roles),
      remove_roles: change.remove_roles == null ? null : JSON.stringify(change.remove_roles),
      created_at: now,
      expires_at: now + PENDING_ROLE_CHANGE_TTL_MS,
    };
    await this.database.db
      .insertInto('pending_role_changes')
      .values({ guild_id: guildId, discord_id: discordId, ...values })
      .onConflict((oc) => oc.columns(['guild_id', 'discord_id']).doUpdateSet(values))
      .execute();
  }

  /** The change waiting for this member, unless it expired (an expired one is dropped). */
  async find(
    guildId: string,
    discordId: string,
    now = Date.now(),
  ): Promise<(RoleChangeRequest & { createdAt: number }) | null> {
    const db = this.database.db;
    await db.deleteFrom('pending_role_changes').where('expires_at', '<', now).execute();
    const row = await db
      .selectFrom('pending_role_changes')
      .selectAll()
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId)
      .executeTakeFirst();
    return row ? toRequest(row) : null;
  }

  /** Drops the change once applied, unless a newer one replaced it meanwhile. */
  async remove(guildId: string, discordId: string, createdAt: number): Promise<void> {
    await this.database.db
      .deleteFrom('pending_role_changes')
      .where('guild_id', '=', guildId)
      .where('discord_id', '=', discordId)
      .where('created_at', '=', createdAt)
      .execute();
  }
}

function toRequest(row: PendingRoleChangeTable): RoleChangeRequest & { createdAt: number } {
  return {
    plan: row.plan,
    add_roles: row.add_roles === null ? null : (JSON.parse(row.add_roles) as string[]),
    remove_roles: row.remove_roles === null ? null : (JSON.parse(row.remove_roles) as string[]),
    createdAt: row.created_at,
  };
}
