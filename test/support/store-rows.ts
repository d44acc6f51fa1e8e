import { sql } from 'kysely';
import type { DatabaseService } from '../../src/storage/database.service';
import type { Tables } from '../../src/storage/tables';

/**
 * Every table a request can write. Not the signature log: the use of a valid signature is recorded even when
 * the request is then refused, since that is what refuses its replay. Not the outbound events: the gateway's
 * member events write them, at any moment (a role change made by an earlier request comes back as one).
 */
const TABLES: (keyof Tables)[] = [
  'idempotency_keys',
  'notifications',
  'pending_role_changes',
  'member_profiles',
  'refund_confirmations',
  'refund_notices',
  'refund_audit',
];

/** How many rows each table of the store holds, in one round trip: a refused request must leave these as they were. */
export async function storeRows(database: DatabaseService): Promise<Record<string, number>> {
  const counts = TABLES.map((table) => sql`(select count(*) from ${sql.table(table)})`.as(table));
  const { rows } = await sql<Record<string, unknown>>`select ${sql.join(counts)}`.execute(database.db);
  return Object.fromEntries(TABLES.map((table) => [table, Number(rows[0][table])]));
}
