import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../storage/database.service';
import type { RoleSweepTable } from '../storage/tables';
import type { BrakeDecision } from './role-sweep.types';

/** The `role_sweeps` table: each sweep asked for, its progress while it walks, its summary and the brake's decision. */
@Injectable()
export class RoleSweeps {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  /** The sweep asked for or running, oldest first: there is at most one to run at a time. */
  open(): Promise<RoleSweepTable | undefined> {
    return this.db
      .selectFrom('role_sweeps')
      .selectAll()
      .where('state', 'in', ['requested', 'running'])
      .orderBy('created_at')
      .executeTakeFirst();
  }

  async create(row: RoleSweepTable): Promise<void> {
    await this.db.insertInto('role_sweeps').values(row).execute();
  }

  byId(id: string): Promise<RoleSweepTable | undefined> {
    return this.db.selectFrom('role_sweeps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  held(): Promise<RoleSweepTable[]> {
    return this.db.selectFrom('role_sweeps').selectAll().where('state', '=', 'held').orderBy('created_at').execute();
  }

  /** Whether a sweep ever finished a walk of the whole guild on this store. */
  async walkedEveryone(): Promise<boolean> {
    const full = await this.db
      .selectFrom('role_sweeps')
      .select('id')
      .where('scope', '=', 'all')
      .where('finished_at', 'is not', null)
      .executeTakeFirst();
    return full !== undefined;
  }

  /** When the latest sweep was asked for; undefined on a store that never had one. */
  async lastRequestedAt(): Promise<number | undefined> {
    const last = await this.db
      .selectFrom('role_sweeps')
      .select((eb) => eb.fn.max('created_at').as('at'))
      .executeTakeFirst();
    return last?.at === null || last?.at === undefined ? undefined : Number(last.at);
  }

  async started(id: string, startedAt: number): Promise<void> {
    await this.db
      .updateTable('role_sweeps')
      .set({ state: 'running', started_at: startedAt })
      .where('id', '=', id)
      .execute();
  }

  /** Where the walk stands (JSON), so another process goes on from there. */
  async saveProgress(id: string, progress: string): Promise<void> {
    await this.db.updateTable('role_sweeps').set({ progress }).where('id', '=', id).execute();
  }

  async finished(id: string, state: 'held' | 'done', summary: string, held: string | null, now: number) {
    await this.db
      .updateTable('role_sweeps')
      .set({ state, finished_at: now, summary, held, progress: null })
      .where('id', '=', id)
      .execute();
  }

  /** Takes a held sweep's decision; false when it was not held any more (someone decided first). */
  async claimDecision(id: string, action: 'apply' | 'dismiss', staffId: string, now: number): Promise<boolean> {
    const claimed = await this.db
      .updateTable('role_sweeps')
      .set({ state: action === 'apply' ? 'applying' : 'dismissed', decided_by: staffId, decided_at: now })
      .where('id', '=', id)
      .where('state', '=', 'held')
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1;
  }

  async decided(id: string, decision: BrakeDecision): Promise<void> {
    await this.db
      .updateTable('role_sweeps')
      .set({ state: decision.kind === 'applied' ? 'applied' : 'dismissed', decision: JSON.stringify(decision) })
      .where('id', '=', id)
      .execute();
  }

  /** Where the brake's message was posted, so a decision can edit it. */
  async postedAt(id: string, channelId: string, messageId: string): Promise<void> {
    await this.db
      .updateTable('role_sweeps')
      .set({ channel_id: channelId, message_id: messageId })
      .where('id', '=', id)
      .execute();
  }
}
