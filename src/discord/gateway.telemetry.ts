import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Client, Events } from 'discord.js';
import { Metrics } from '../observability/metrics.service';
import { gatewayState, isGatewayHealthy } from './gateway-state';

/**
 * The gateway as operators see it: its ping and whether it is ready (what /health/ready checks) as gauges,
 * and one line when it is ready, lost or back.
 */
@Injectable()
export class GatewayTelemetry implements OnModuleInit {
  private readonly logger = new Logger(GatewayTelemetry.name);

  constructor(
    private readonly client: Client,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'moddy_discord_gateway_ping_milliseconds',
      'Latest gateway heartbeat round trip (-1 until one was acknowledged)',
      () => {
        const ping = this.client.ws.ping;
        return Number.isFinite(ping) && ping >= 0 ? ping : -1;
      },
    );
    this.metrics.gauge(
      'moddy_discord_gateway_ready',
      'Whether the gateway is ready with a fresh heartbeat, as /health/ready checks it (1) or not (0)',
      () => (isGatewayHealthy(gatewayState(this.client)) ? 1 : 0),
    );
    this.client.once(Events.ClientReady, (client) => {
      // uptimeMs: since the process started (what a deploy waits for before the health check passes).
      this.logger.log({
        message: 'Discord gateway ready',
        guilds: client.guilds.cache.size,
        shards: [...client.ws.shards.keys()],
        uptimeMs: Math.round(performance.now()),
      });
    });
    this.client.on(Events.ShardReady, (shardId) => {
      this.logger.log({ message: 'Discord shard ready', shardId, uptimeMs: Math.round(performance.now()) });
    });
    this.client.on(Events.ShardDisconnect, (event, shardId) => {
      this.logger.warn({ message: 'Discord gateway disconnected', shardId, code: event.code });
    });
    this.client.on(Events.ShardResume, (shardId, replayed) => {
      this.logger.log({ message: 'Discord gateway resumed', shardId, replayed });
    });
  }
}
