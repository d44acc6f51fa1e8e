import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BackendError } from '../src/backend/backend.errors';
import { BackendModule } from '../src/backend/backend.module';
import { SubscriptionClient } from '../src/backend/subscription.client';
import { loadConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { EventsClient } from '../src/events/events.client';
import { BackendHealthClient } from '../src/health/backend-health.client';
import { InvoicesClient } from '../src/invoices/invoices.client';
import { RefundsClient } from '../src/refunds/refunds.client';
import { ScriptedServer } from './support/scripted-server';

const SECRET = 'k'.repeat(40);
const USER = '123456789012345678';
const subscription = {
  subscription_id: 'sub_1',
  customer_id: 'cus_1',
  status: 'active',
  subscription_type: 'yearly',
  current_period_start: '2024-01-01T00:00:00+00:00',
  current_period_end: '2025-01-01T00:00:00+00:00',
  cancel_at_period_end: false,
  amount: 9900,
  currency: 'eur',
};

describe('backend clients', () => {
  let server: ScriptedServer;
  let subscriptions: SubscriptionClient;
  let invoices: InvoicesClient;
  let refunds: RefundsClient;
  let events: EventsClient;
  let health: BackendHealthClient;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    const config = loadConfig(
      { DISCORD_TOKEN: 't', INTERNAL_API_SECRET: SECRET, BACKEND_INTERNAL_URL: server.url, BACKEND_TIMEOUT_MS: '300' },
      '1.4.2',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), BackendModule],
      providers: [SubscriptionClient, InvoicesClient, RefundsClient, EventsClient, BackendHealthClient],
    }).compile();
    subscriptions = moduleRef.get(SubscriptionClient);
    invoices = moduleRef.get(InvoicesClient);
    refunds = moduleRef.get(RefundsClient);
    events = moduleRef.get(EventsClient);
    health = moduleRef.get(BackendHealthClient);
  });
  afterAll(() => server.stop());
  afterEach(() => jest.restoreAllMocks());

  const only = () => {
    expect(server.requests).toHaveLength(1);
    return server.requests[0];
  };

  it('should send the subscription info request exactly as the contract says', async () => {
    server.answer({
      status: 200,
      body: { success: true, message: 'Subscription found', has_subscription: true, subscription },
    });
    const answer = await subscriptions.info(USER);
    expect(answer.subscription?.amount).toBe(9900);
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/internal/subscription/info');
    expect(request.body).toBe(`{"discord_id":"${USER}"}`);
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.headers['user-agent']).toBe('moddy-bot/1.4.2');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
  });

  it('should accept a user without a subscription', async () => {
    server.answer({
      status: 200,
      body: { success: true, message: 'No active subscription', has_subscription: false, subscription: null },
    });
    expect((await subscriptions.info(USER)).subscription).toBeNull();
  });

  it('should send user info, invoices, events and health requests as the contract says', async () => {
    server.answer({ status: 200, body: { success: false, message: 'User not found', user_found: false } });
    await subscriptions.user(USER);
    expect(only()).toMatchObject({ method: 'POST', path: '/internal/user/info', body: `{"discord_id":"${USER}"}` });

    server.answer({ status: 200, body: { success: true, message: 'ok', invoices: [] } });
    await invoices.list(USER, 25);
    expect(only()).toMatchObject({
      path: '/internal/subscription/invoices',
      body: `{"discord_id":"${USER}","limit":25}`,
    });

    server.answer({ status: 200, body: { success: true, message: 'ok', event_received: true } });
    await events.notify('member_joined', USER, { guild_id: '987654321098765432' });
    expect(only()).toMatchObject({
      path: '/internal/event/notify',
      body: `{"event_type":"member_joined","discord_id":"${USER}","metadata":{"guild_id":"987654321098765432"}}`,
    });

    server.answer({ status: 200, body: { status: 'healthy', service: 'website-backend', version: '1.0.0' } });
    expect(await health.check()).toMatchObject({ status: 'healthy' });
    expect(only()).toMatchObject({ method: 'GET', path: '/internal/health' });
  });

  it('should send the refund with its idempotency key and null amount for a full refund', async () => {
    server.answer({
      status: 200,
      body: { success: true, message: 'Refunded', refunded: true, refund_id: 're_1', amount_refunded: 9900 },
    });
    await refunds.refund({ discordId: USER, amount: null, reason: null, idempotencyKey: 'refund-42' });
    const request = only();
    expect(request.path).toBe('/internal/subscription/refund');
    expect(request.body).toBe(`{"discord_id":"${USER}","amount":null,"reason":null}`);
    expect(request.headers['idempotency-key']).toBe('refund-42');
  });

  it('should retry a read on 5xx with backoff and succeed', async () => {
    server.answer(
      { status: 503, body: { detail: 'down' } },
      { status: 502 },
      { status: 200, body: { success: true, message: 'ok', invoices: [] } },
    );
    await invoices.list(USER, 10);
    expect(server.requests).toHaveLength(3);
  });

  it('should give up on a read after 3 tries with a retryable server error', async () => {
    server.answer({ status: 500, body: { detail: 'Stripe error: boom' } });
    const error = await invoices.list(USER, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ kind: 'server', status: 500, retryable: true, detail: 'Stripe error: boom' });
    expect(server.requests).toHaveLength(3);
  });

  it('should retry a read that timed out', async () => {
    server.answer(
      { status: 200, body: {}, delayMs: 1000 },
      { status: 200, body: { success: true, message: 'ok', invoices: [] } },
    );
    await invoices.list(USER, 10);
    expect(server.requests).toHaveLength(2);
  });

  it('should never retry a refund, whatever the failure', async () => {
    server.answer({ status: 500, body: { detail: 'Stripe error: card_declined' } });
    await expect(
      refunds.refund({ discordId: USER, amount: 500, reason: 'x', idempotencyKey: 'refund-1' }),
    ).rejects.toMatchObject({
      kind: 'server',
      detail: 'Stripe error: card_declined',
    });
    expect(server.requests).toHaveLength(1);

    server.answer({ status: 200, body: {}, delayMs: 1000 });
    await expect(
      refunds.refund({ discordId: USER, amount: 500, reason: 'x', idempotencyKey: 'refund-2' }),
    ).rejects.toMatchObject({
      kind: 'timeout',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('should log a 401/403 as a configuration error and not retry it', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    server.answer({ status: 403, body: { error: 'Invalid secret' } });
    await expect(subscriptions.info(USER)).rejects.toMatchObject({ kind: 'auth', status: 403, retryable: false });
    expect(server.requests).toHaveLength(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain('INTERNAL_API_SECRET');
    expect(String(logged.mock.calls[0][0])).not.toContain(SECRET);
  });

  it('should refuse an answer of an unexpected shape', async () => {
    server.answer({
      status: 200,
      body: { success: true, message: 'ok', has_subscription: true, subscription: { ...subscription, amount: '99' } },
    });
    await expect(subscriptions.info(USER)).rejects.toMatchObject({ kind: 'invalid_response', retryable: false });
    server.answer({ status: 200, body: { success: true } });
    await expect(invoices.list(USER, 1)).rejects.toMatchObject({ kind: 'invalid_response' });
    expect(server.requests).toHaveLength(1);
  });

  it('should report a refused connection as a retryable network error', async () => {
    const config = loadConfig(
      { DISCORD_TOKEN: 't', INTERNAL_API_SECRET: SECRET, BACKEND_INTERNAL_URL: 'http://127.0.0.1:1' },
      'v',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), BackendModule],
      providers: [BackendHealthClient],
    }).compile();
    await expect(moduleRef.get(BackendHealthClient).check()).rejects.toMatchObject({
      kind: 'network',
      retryable: true,
    });
  });
});
