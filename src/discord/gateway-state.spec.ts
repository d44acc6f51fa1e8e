import { HEARTBEAT_FRESH_MS, isGatewayHealthy } from './gateway-state';

describe('isGatewayHealthy', () => {
  const healthy = { ready: true, ping: 42, lastHeartbeatAckAgeMs: 1000 };

  it('should accept a ready gateway with a fresh heartbeat', () => {
    expect(isGatewayHealthy(healthy)).toBe(true);
  });

  it('should count a ping of -1 or Infinity as not ready, without throwing', () => {
    expect(isGatewayHealthy({ ...healthy, ping: -1 })).toBe(false);
    expect(isGatewayHealthy({ ...healthy, ping: Infinity })).toBe(false);
    expect(isGatewayHealthy({ ...healthy, ping: NaN })).toBe(false);
  });

  it('should refuse a gateway that is not ready or whose heartbeat is stale or missing', () => {
    expect(isGatewayHealthy({ ...healthy, ready: false })).toBe(false);
    expect(isGatewayHealthy({ ...healthy, lastHeartbeatAckAgeMs: HEARTBEAT_FRESH_MS + 1 })).toBe(false);
    expect(isGatewayHealthy({ ...healthy, lastHeartbeatAckAgeMs: null })).toBe(false);
  });
});
