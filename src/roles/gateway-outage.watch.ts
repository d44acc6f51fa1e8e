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
  private downSince: number | undefined;

  constructor(
    private readonly client: Client,
    private readonly sweeper: RoleSweeper,
  ) {}

  onModuleInit(): void {
    this.client.on(Events.ShardDisconnect, () => this.lost());
    this.client.on(Events.ShardReconnecting, () => this.lost());
    this.client.on(Events.ShardResume, () => (this.downSince = undefined));
    this.client.on(Events.ShardReady, () => void this.newSession());
  }

  lost(now = Date.now()): void {
    this.downSince ??= now;
  }

  async newSession(now = Date.now()): Promise<boolean> {
    const since = this.downSince;
    this.downSince = undefined;
    if (since === undefined || now - since <= OUTAGE_SWEEP_AFTER_MS) return false;
    this.logger.warn(`Gateway back after ${Math.round((now - since) / 1000)} s in a new session: sweeping roles`);
    await this.sweeper.request('outage', null, now).catch((error: Error) => {
      this.logger.error(`Could not ask for a sweep after the outage: ${error.message}`);
    });
    return true;
  }
}
