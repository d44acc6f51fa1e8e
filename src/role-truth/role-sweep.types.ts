import type { RoleSweepTable, RoleSweepTrigger } from '../storage/tables';
import type { Entitled } from './entitlements';

/** Why a member was not checked: the truth could not be read, they left, or an intent arrived meanwhile. */
export type SkipReason = 'backend_error' | 'left' | 'outdated';

/** Whom a sweep checks: every member of MODDY_GUILD_ID, or plan-role holders and the members the store knows. */
export type SweepScope = 'all' | 'holders';

/** How the truth was learned: one backend read per member, or the backend's list of entitled members. */
export type SweepSource = 'reads' | 'list';

/** One member whose plan roles differ from what the truth entitles them to. */
export interface Drift {
  discordId: string;
  /** The plans the member is entitled to (empty: none). */
  entitled: Entitled[];
  /** The plan their roles show, if they match one. */
  held: string | undefined;
  add: string[];
  remove: string[];
  /** The ledger version seen before the truth was read (a newer intent wins over the sweep). */
  basedOnVersion: number;
  readAt: number;
}

export interface SweepScan {
  scope: SweepScope;
  source: SweepSource;
  checked: number;
  skipped: Record<SkipReason, number>;
  drifts: Drift[];
}

export interface SweepSummary {
  trigger: RoleSweepTrigger;
  scope: SweepScope;
  source: SweepSource;
  checked: number;
  added: number;
  removed: number;
  heldBack: number;
  skipped: Record<SkipReason, number>;
  durationMs: number;
}

/** A removal the safety brake held back, as staff see it. */
export interface HeldRemoval {
  discordId: string;
  roles: string[];
  /** The plans the member is entitled to (empty: none). */
  entitledTo: string[];
}

export type BrakeDecision =
  { kind: 'applied'; by: string; removed: number; kept: number; skipped: number } | { kind: 'dismissed'; by: string };

/** What a click on the brake's buttons came to. */
export type BrakeOutcome =
  | { kind: 'done'; sweep: RoleSweepTable; decision: BrakeDecision }
  /** Already decided (by this decision), or no such held sweep. */
  | { kind: 'already'; sweep: RoleSweepTable | undefined };

export function heldOf(sweep: Pick<RoleSweepTable, 'held'>): HeldRemoval[] {
  return sweep.held === null ? [] : (JSON.parse(sweep.held) as HeldRemoval[]);
}

export function summaryOf(sweep: Pick<RoleSweepTable, 'summary'>): SweepSummary | undefined {
  return sweep.summary === null ? undefined : (JSON.parse(sweep.summary) as SweepSummary);
}
