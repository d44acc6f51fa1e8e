import type { Kysely, Migration } from 'kysely';
import { createNotifications, createOutboundEvents, outboundEventsAsJobs } from './delivery';
import { addIdempotencyLeases, addSignatureKeys, createIdempotencyKeys, createSignatureUses } from './internal-api';
import { createLeases, createStoreProbe } from './leases';
import {
  addDmChannelId,
  addDmClosedUntil,
  addPremiumOccurredAt,
  clampFuturePremiumTimes,
  createMemberProfiles,
} from './members';
import { createRefundTables } from './refunds';
import {
  addSweepProgress,
  clampFutureRoleTimes,
  createMemberChecks,
  createPendingRoleChanges,
  createRoleTruth,
} from './roles';

type Step = (db: Kysely<unknown>) => Promise<void>;

/** One migration made of feature steps, run in order. */
const steps = (...run: Step[]): Migration => ({
  async up(db: Kysely<unknown>) {
    for (const step of run) await step(db);
  },
});

/**
 * The schema, one migration per release step, run at boot on SQLite and PostgreSQL alike; each feature's
 * tables are defined in its own file here. The names are what databases already record: never rename one,
 * only add. Only portable types are used: text, integer, bigint (epoch ms).
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_idempotency_keys': steps(createIdempotencyKeys),
  '0002_refunds': steps(createRefundTables),
  '0003_durable_delivery': steps(
    createNotifications,
    createOutboundEvents,
    createPendingRoleChanges,
    createMemberProfiles,
  ),
  '0004_idempotency_leases': steps(addIdempotencyLeases),
  '0005_signature_uses': steps(createSignatureUses),
  '0006_role_truth': steps(createRoleTruth, createLeases, addPremiumOccurredAt),
  '0007_outbound_events_as_jobs': steps(outboundEventsAsJobs),
  '0008_truth_for_every_member': steps(
    (db) => clampFutureRoleTimes(db),
    (db) => clampFuturePremiumTimes(db),
    createMemberChecks,
    addSweepProgress,
    createStoreProbe,
    addSignatureKeys,
    addDmClosedUntil,
    addDmChannelId,
  ),
};
