import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { MemberRolesTable } from '../storage/tables';
import { Entitlements, type Entitled, type KnownTruth } from './entitlements';
import { parseDesired, RoleLedger } from './role-ledger';
import { rolesForPlans, type RoleChange } from './role-plan';

/** One read of a member's truth, as every path that checks and repairs roles makes it. */
export interface TruthRead {
  /** The member's ledger version before the read: an intent stored since then wins over this read. */
  basedOnVersion: number;
  /** When the truth was read (the intent's occurred_at). */
  readAt: number;
  /** Every reason the member is entitled to a plan (empty: none). */
  entitled: Entitled[];
  /** Each plan role: held (true) or not (false), by the truth. */
  wanted: Map<string, boolean>;
  /** What the ledger is still to apply for the member (see unsettledOf). */
  unsettled: ReadonlyMap<string, boolean>;
  /** When the ledger last changed the member's row (null: it has none), read with the version. */
  ledgerUpdatedAt: number | null;
}

/**
 * Reads a member's truth (the backend's subscription and staff grants) the one way the sync, the sweep, the
 * brake, `/subscription` and joins do: the ledger version first, then the truth, so that whatever arrives
 * while it is read wins over it. Throws when the truth cannot be read: unknown is never "not entitled".
 */
@Injectable()
export class TruthReader {
  constructor(
    private readonly ledger: RoleLedger,
    private readonly entitlements: Entitlements,
    private readonly config: AppConfig,
  ) {}

  async read(guildId: string | undefined, discordId: string, known?: KnownTruth): Promise<TruthRead> {
    const row = guildId ? await this.ledger.member(guildId, discordId) : undefined;
    const readAt = Date.now();
    const entitled = await this.entitlements.of(discordId, readAt, known);
    const wanted = rolesForPlans(
      entitled.map((e) => e.plan),
      this.config.planRoles,
    );
    return {
      basedOnVersion: row?.version ?? 0,
      readAt,
      entitled,
      wanted,
      unsettled: unsettledOf(row),
      ledgerUpdatedAt: row?.updated_at ?? null,
    };
  }
}

/**
 * The roles a member's ledger row still has to apply (each to be present or absent), empty when it is settled
 * (idle): the member is about to hold these whatever Discord shows now, for instance a change waiting for them
 * to join, which a join handled a moment later applies.
 */
export function unsettledOf(row: Pick<MemberRolesTable, 'state' | 'desired'> | undefined): Map<string, boolean> {
  if (!row || row.state === 'idle') return new Map();
  return new Map(Object.entries(parseDesired(row)).map(([roleId, d]) => [roleId, d.want]));
}

/** The plan roles a member holds once the ledger has applied what it still has to (`unsettled`). */
export function heldOnceSettled(held: ReadonlySet<string>, unsettled: ReadonlyMap<string, boolean>): Set<string> {
  const after = new Set(held);
  for (const [roleId, want] of unsettled) {
    if (want) after.add(roleId);
    else after.delete(roleId);
  }
  return after;
}

/** The plan roles to add and to remove for a member holding `held` to match the truth. */
export function driftOf(wanted: ReadonlyMap<string, boolean>, held: ReadonlySet<string>): RoleChange {
  const add = [...wanted].filter(([roleId, want]) => want && !held.has(roleId)).map(([roleId]) => roleId);
  const remove = [...wanted].filter(([roleId, want]) => !want && held.has(roleId)).map(([roleId]) => roleId);
  return { add, remove };
}
