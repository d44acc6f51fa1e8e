import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Client } from 'discord.js';
import { gatewayState, HEARTBEAT_FRESH_MS, isGatewayHealthy, shardStates } from '../discord/gateway-state';
import { CheckLog } from './check-log';

@Injectable()
export class DiscordHealthIndicator {
  private readonly log = new CheckLog(new Logger(DiscordHealthIndicator.name), 'discord');

  constructor(
    private readonly client: Client,
    private readonly health: HealthIndicatorService,
  ) {}

  /** Up when every shard of this process is ready with a fresh heartbeat; each shard is reported. */
  check(key: 'discord'): HealthIndicatorResult<'discord'> {
    const state = gatewayState(this.client);
    const shards = shardStates(this.client).map(({ id, status, ping, healthy }) => ({
      id,
      status,
      ping: Number.isFinite(ping) && ping >= 0 ? ping : null,
      healthy,
    }));
    if (isGatewayHealthy(state) && shards.every((s) => s.healthy)) {
      this.log.up();
      return this.health.check(key).up({ shards });
    }
    // -1 and Infinity are what discord.js reports before the first heartbeat ack: not ready, not a crash.
    const problem = !state.ready
      ? 'the gateway is not ready'
      : state.lastHeartbeatAckAgeMs === null || !Number.isFinite(state.ping) || state.ping < 0
        ? 'no heartbeat acknowledged yet'
        : `no heartbeat acknowledged for more than ${HEARTBEAT_FRESH_MS / 1000} s`;
    const waiting = shards.filter((s) => !s.healthy).map((s) => `${s.id} (${s.status})`);
    this.log.down(waiting.length > 0 ? `${problem}; shards not ready: ${waiting.join(', ')}` : problem);
    return this.health.check(key).down({ shards });
  }
}
