import type { DatabaseService } from '../../src/storage/database.service';

/** The refund audit entries about a member, newest first, as stored (what the tests check). */
export function auditOf(database: DatabaseService, targetId: string) {
  return database.db
    .selectFrom('refund_audit')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('created_at', 'desc')
    .execute();
}
