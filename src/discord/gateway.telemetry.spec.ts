import { Status, type Client } from 'discord.js';
import { Metrics } from '../observability/metrics.service';
import { GatewayTelemetry } from './gateway.telemetry';

/** The parts of a discord.js client the telemetry reads, with one shard whose state a test sets. */
function fakeClient(shard: { status: Status; lastPingTimestamp: number }, ping: number, ready: boolean) {
  return {
    ws: { ping, shards: new Map([[0, shard]]) },
    isReady: () => ready,
    once: () => undefined,
    on: () => undefined,
  } as unknown as Client;
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(GatewayTelemetry.name, () => {
  it('should export 1 while the gateway is ready with a fresh heartbeat, and 0 once a shard is not ready', async () => {
    const metrics = new Metrics();
    const shard = { status: Status.Ready, lastPingTimestamp: Date.now() };
    new GatewayTelemetry(fakeClient(shard, 42, true), metrics).onModuleInit();
    expect(sample(await metrics.render(), 'moddy_discord_gateway_ready')).toBe(1);
    expect(sample(await metrics.render(), 'moddy_discord_gateway_ping_milliseconds')).toBe(42);

    shard.status = Status.Reconnecting;
    expect(sample(await metrics.render(), 'moddy_discord_gateway_ready')).toBe(0);
  });

  it('should export 0 before the first heartbeat is acknowledged, and with a stale one', async () => {
    const before = new Metrics();
    new GatewayTelemetry(fakeClient({ status: Status.Ready, lastPingTimestamp: -1 }, -1, true), before).onModuleInit();
    expect(sample(await before.render(), 'moddy_discord_gateway_ready')).toBe(0);
    expect(sample(await before.render(), 'moddy_discord_gateway_ping_milliseconds')).toBe(-1);

    const stale = new Metrics();
    const longAgo = Date.now() - 10 * 60_000;
    new GatewayTelemetry(
      fakeClient({ status: Status.Ready, lastPingTimestamp: longAgo }, 42, true),
      stale,
    ).onModuleInit();
    expect(sample(await stale.render(), 'moddy_discord_gateway_ready')).toBe(0);
  });
});
