import { Injectable } from '@nestjs/common';
import { AppConfig, FREE_PLAN } from '../config/app-config';
import { MemberProfiles } from '../members/member-profiles.service';
import type { RoleChangeSource } from '../storage/tables';
import type { Entitled } from './entitlements';
import { RolesService, type UpdateRolesResponse } from './roles.service';
import { TruthReader } from './truth-read';

export interface RolesSyncResult {
  plan: string;
  premium: boolean;
  entitled: Entitled[];
  roles: UpdateRolesResponse;
}

/**
 * Recomputes a member's plan roles from the truth (the backend's subscription and staff grants) and
 * applies them through the member's ordered role path. The intent carries the time the truth was read,
 * so a billing event that happened before that read, arriving late, cannot move the member back; and it
 * yields to any change that arrived while the truth was being read.
 */
@Injectable()
export class RolesSync {
  constructor(
    private readonly truth: TruthReader,
    private readonly roles: RolesService,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
  ) {}

  /** Throws (BackendError) when the truth cannot be read: nothing changes then. */
  async sync(discordId: string, source: RoleChangeSource, actorId: string | null = null): Promise<RolesSyncResult> {
    const guildId = this.config.guildId;
    const { basedOnVersion, readAt, entitled, wanted } = await this.truth.read(guildId, discordId);
    const plan = entitled[0]?.plan ?? FREE_PLAN;
    const premium = entitled.length > 0;
    // The premium state records what the subscription says; a staff grant is not a subscription.
    const subscribed = entitled.find((e) => e.source === 'subscription');
    await this.profiles.setPremium(discordId, subscribed !== undefined, subscribed?.plan ?? FREE_PLAN, readAt);
    if (!guildId)
      return { plan, premium, entitled, roles: await this.roles.updateRoles({ discord_id: discordId, plan }) };
    const change = {
      add: [...wanted].filter(([, want]) => want).map(([roleId]) => roleId),
      remove: [...wanted].filter(([, want]) => !want).map(([roleId]) => roleId),
    };
    const roles = await this.roles.apply({
      guildId,
      discordId,
      change,
      source,
      plan,
      actorId,
      occurredAt: readAt,
      basedOnVersion,
    });
    return { plan, premium, entitled, roles };
  }
}
