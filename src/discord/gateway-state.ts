import { Status, type Client } from 'discord.js';

// The gateway's state read from the discord.js client: what /health/ready checks and the gateway gauges show.

/** A heartbeat acknowledged longer ago than this (two of Discord's ~41 s intervals, plus slack) is stale. */
export const HEARTBEAT_FRESH_MS = 100_000;

export interface GatewayState {
  ready: boolean;
  ping: number;
  lastHeartbeatAckAgeMs: number | null;
}

/** One shard of this process, as /health/ready reports it. */
export interface ShardState extends GatewayState {
  id: number;
  /** discord.js's status name: `Ready`, `Connecting`, `Identifying`, `WaitingForGuilds`, ... */
  status: string;
  healthy: boolean;
}

/** Reads each shard's state from the discord.js client without throwing, whatever state it is in. */
export function shardStates(client: Client, now = Date.now()): ShardState[] {
  return [...client.ws.shards.values()]
    .sort((a, b) => a.id - b.id)
    .map((s) => {
      const state: GatewayState = {
        ready: s.status === Status.Ready,
        ping: s.ping,
        lastHeartbeatAckAgeMs: s.lastPingTimestamp > 0 ? now - s.lastPingTimestamp : null,
      };
      return { id: s.id, status: Status[s.status] ?? String(s.status), ...state, healthy: isGatewayHealthy(state) };
    });
}

/** Reads the gateway's state from the discord.js client: ready when every one of its shards is. */
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
