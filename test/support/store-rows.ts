import type { DatabaseService } from '../../src/storage/database.service';
import type { Tables } from '../../src/storage/tables';

const TABLES: (keyof Tables)[] = [
  'idempotency_keys',
  'notifications',
  'outbound_events',
  'pending_role_changes',
  'member_profiles',
  'refund_confirmations',
  'refund_notices',
  'refund_audit',
];

/** How many rows each table of the store holds: a refused request must leave these as they were. */
export async function storeRows(database: DatabaseService): Promise<Record<string, number>> {
  const counts = await Promise.all(
    TABLES.map(async (table) => {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return [table, Number(row.n)] as const;
    }),
  );
  return Object.fromEntries(counts);
}
