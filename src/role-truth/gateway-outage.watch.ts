import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Client, Events } from 'discord.js';
import { RoleSweeper } from './role-sweep.service';

/** An outage this long may have hidden member events and role changes: a new session sweeps. */
export const OUTAGE_SWEEP_AFTER_MS = 5 * 60_000;

/**
 * Asks for a sweep when the gateway comes back with a new session (not a resume) after being away longer
 * than five minutes: events were missed, so drift is likely.
 */
@Injectable()
export class GatewayOutageWatch implements OnModuleInit {
  private readonly logger = new Logger(GatewayOutageWatch.name);
  /** When each shard of this process was lost, until it resumes or starts a new session. */
  private readonly downSince = new Map<number, number>();

  constructor(
    private readonly client: Client,
    private readonly sweeper: RoleSweeper,
  ) {}

  onModuleInit(): void {
    // Per shard: one shard's outage is not ended by another shard's new session.
    this.client.on(Events.ShardDisconnect, (_event, shardId) => this.lost(Date.now(), shardId));
    this.client.on(Events.ShardReconnecting, (shardId) => this.lost(Date.now(), shardId));
    this.client.on(Events.ShardResume, (shardId) => this.downSince.delete(shardId));
    this.client.on(Events.ShardReady, (shardId) => void this.newSession(Date.now(), shardId));
  }

  lost(now = Date.now(), shardId = 0): void {
    if (!this.downSince.has(shardId)) this.downSince.set(shardId, now);
  }

  async newSession(now = Date.now(), shardId = 0): Promise<boolean> {
    const since = this.downSince.get(shardId);
    this.downSince.delete(shardId);
    if (since === undefined || now - since <= OUTAGE_SWEEP_AFTER_MS) return false;
    this.logger.warn(`Gateway back after ${Math.round((now - since) / 1000)} s in a new session: sweeping roles`);
    await this.sweeper.request('outage', null, now).catch((error: Error) => {
      this.logger.error(`Could not ask for a sweep after the outage: ${error.message}`);
    });
    return true;
  }
}
