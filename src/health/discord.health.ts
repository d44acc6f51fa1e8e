import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Client, Status } from 'discord.js';
import { CheckLog } from './check-log';

/** A heartbeat acknowledged longer ago than this (two of Discord's ~41 s intervals, plus slack) is stale. */
export const HEARTBEAT_FRESH_MS = 100_000;

export interface GatewayState {
  ready: boolean;
  ping: number;
  lastHeartbeatAckAgeMs: number | null;
}

/** Reads the gateway's state from the discord.js client without throwing, whatever state it is in. */
export function gatewayState(client: Client, now = Date.now()): GatewayState {
  const shards = [...client.ws.shards.values()];
  const lastAck = shards.length > 0 ? Math.min(...shards.map((s) => s.lastPingTimestamp)) : -1;
  return {
    ready: client.isReady() && shards.length > 0 && shards.every((s) => s.status === Status.Ready),
    ping: client.ws.ping,
    lastHeartbeatAckAgeMs: lastAck > 0 ? now - lastAck : null,
  };
}

/** Healthy means: the gateway is ready, and its latest heartbeat was acknowledged recently. */
export function isGatewayHealthy(state: GatewayState): boolean {
  return (
    state.ready &&
    Number.isFinite(state.ping) &&
    state.ping >= 0 &&
    state.lastHeartbeatAckAgeMs !== null &&
    state.lastHeartbeatAckAgeMs <= HEARTBEAT_FRESH_MS
  );
}

@Injectable()
export class DiscordHealthIndicator {
  private readonly log = new CheckLog(new Logger(DiscordHealthIndicator.name), 'discord');

  constructor(
    private readonly client: Client,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key: 'discord'): HealthIndicatorResult<'discord'> {
    const state = gatewayState(this.client);
    if (isGatewayHealthy(state)) {
      this.log.up();
      return this.health.check(key).up();
    }
    // -1 and Infinity are what discord.js reports before the first heartbeat ack: not ready, not a crash.
    const problem = !state.ready
      ? 'the gateway is not ready'
      : state.lastHeartbeatAckAgeMs === null || !Number.isFinite(state.ping) || state.ping < 0
        ? 'no heartbeat acknowledged yet'
        : `no heartbeat acknowledged for more than ${HEARTBEAT_FRESH_MS / 1000} s`;
    this.log.down(problem);
    return this.health.check(key).down();
  }
}
