// The simulator's REST surface, driven with plain fetch: auth, unknown routes, schema validation, exact
// snowflakes, rate limits and fault switches.
import { DiscordSim } from './sim-client';

interface Reply {
  status: number;
  // Discord's JSON answers are walked freely in assertions; a failed walk fails the test anyway.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

describe('discord-sim REST', () => {
  let sim: DiscordSim;

  const api = async (
    method: string,
    path: string,
    opts: { body?: unknown; raw?: string; auth?: string | null; contentType?: string } = {},
  ): Promise<Reply> => {
    const headers: Record<string, string> = {};
    const auth = opts.auth === undefined ? `Bot ${sim.token}` : opts.auth;
    if (auth !== null) headers.Authorization = auth;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    const res = await fetch(`${sim.apiUrl}/v10${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };

  const dmChannel = async (user: string): Promise<string> => {
    const r = await api('POST', '/users/@me/channels', { body: { recipient_id: sim.world.users[user] } });
    expect(r.status).toBe(200);
    return r.body.id as string;
  };

  beforeAll(async () => {
    sim = await DiscordSim.start();
  });

  afterAll(async () => {
    await sim?.stop();
  });

  beforeEach(async () => {
    await sim.reset();
  });

  it('answers 401 without (or with a wrong) bot token, and records whether Authorization was sent', async () => {
    const none = await api('GET', '/users/@me', { auth: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: '401: Unauthorized', code: 0 });
    const wrong = await api('GET', '/users/@me', { auth: 'Bot nope' });
    expect(wrong.status).toBe(401);
    const good = await api('GET', '/users/@me');
    expect(good.status).toBe(200);
    expect(good.body.id).toBe(sim.world.botUserId);
    const recorded = await sim.requests({ route: 'GET /users/@me' });
    expect(recorded.map((r) => [r.authPresent, r.status])).toEqual([
      [false, 401],
      [true, 401],
      [true, 200],
    ]);
    expect(recorded[2].headers.authorization).toBe('Bot ***');
  });

  it('serves GET /gateway/bot with its own ws url', async () => {
    const r = await api('GET', '/gateway/bot');
    expect(r.body).toMatchObject({ url: sim.wsUrl, shards: 1, session_start_limit: { max_concurrency: 1 } });
  });

  it('answers unknown routes 404 (405 for a known path with another method) and records them', async () => {
    const r = await api('GET', '/oauth2/applications/@me');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: '404: Not Found', code: 0 });
    const m = await api('PATCH', '/gateway/bot', { body: {} });
    expect(m.status).toBe(405);
    const outside = await fetch(`${sim.url}/api/v9/users/@me`);
    expect(outside.status).toBe(404);
    const unknown = await sim.unknownRoutes();
    expect(unknown.map((u) => `${u.method} ${u.path}`)).toEqual([
      'GET /oauth2/applications/@me',
      'PATCH /gateway/bot',
      'GET /api/v9/users/@me',
    ]);
    // with Discord's openapi.json at hand (shared/discord beside the repository) unknown routes are explained
    if (unknown[0].note !== undefined) {
      expect(unknown[0].note).toMatch(/GET \/oauth2\/applications\/@me exists but is not simulated/);
      expect(unknown[1].note).toMatch(/not for PATCH/);
    }
    expect(unknown[2].note).toBe('outside /api/v10');
  });

  it('rejects message bodies beyond Discord limits with 400 / 50035 and lists them as invalid', async () => {
    const channel = await dmChannel('alice');
    const long = await api('POST', `/channels/${channel}/messages`, { body: { content: 'x'.repeat(2001) } });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ code: 50035, message: 'Invalid Form Body' });
    expect(long.body.errors.content._errors[0]).toEqual({
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 2000 or fewer in length.',
    });

    const embeds = await api('POST', `/channels/${channel}/messages`, {
      body: { embeds: Array.from({ length: 11 }, (_, i) => ({ title: `e${i}` })) },
    });
    expect(embeds.status).toBe(400);
    expect(embeds.body.errors.embeds._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');

    const fields = await api('POST', `/channels/${channel}/messages`, {
      body: {
        embeds: [
          { title: 't'.repeat(257), fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) },
          { description: 'd'.repeat(4096), fields: [{ name: 'n'.repeat(257), value: 'v'.repeat(1025) }] },
        ],
      },
    });
    expect(fields.status).toBe(400);
    expect(fields.body.errors.embeds['0'].title._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(fields.body.errors.embeds['0'].fields._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(fields.body.errors.embeds['1'].fields['0'].name._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(fields.body.errors.embeds['1'].fields['0'].value._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');

    const total = await api('POST', `/channels/${channel}/messages`, {
      body: { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] },
    });
    expect(total.status).toBe(400);
    expect(total.body.errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED');

    const button = (i: number, label = 'ok'): unknown => ({ type: 2, style: 1, label, custom_id: `b${i}` });
    const rows = await api('POST', `/channels/${channel}/messages`, {
      body: {
        content: 'rows',
        components: [
          { type: 1, components: Array.from({ length: 6 }, (_, i) => button(i)) },
          { type: 1, components: [button(1, 'l'.repeat(81))] },
          { type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'c'.repeat(101) }] },
          ...Array.from({ length: 3 }, (_, i) => ({ type: 1, components: [button(i)] })),
        ],
      },
    });
    expect(rows.status).toBe(400);
    expect(rows.body.errors.components._errors[0].message).toBe('Must be 5 or fewer in length.');
    expect(rows.body.errors.components['0'].components._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(rows.body.errors.components['1'].components['0'].label._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(rows.body.errors.components['2'].components['0'].custom_id._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');

    const good = await api('POST', `/channels/${channel}/messages`, { body: { content: 'x'.repeat(2000) } });
    expect(good.status).toBe(200);
    // Discord's own timestamp format (with an offset) is accepted back; a non-date is not
    const stamp = await api('POST', `/channels/${channel}/messages`, {
      body: { embeds: [{ title: 't', timestamp: '2024-05-01T10:00:00.123000+00:00' }] },
    });
    expect(stamp.status).toBe(200);
    const badStamp = await api('POST', `/channels/${channel}/messages`, {
      body: { embeds: [{ title: 't', timestamp: 'yesterday' }] },
    });
    expect(badStamp.body.errors.embeds['0'].timestamp._errors[0].code).toBe('DATE_TYPE_PARSE');

    const invalid = await sim.invalidRequests();
    expect(invalid).toHaveLength(6);
    expect(invalid.every((r) => r.status === 400 && r.errorCode === 50035)).toBe(true);
    expect(await sim.dmsTo('alice')).toHaveLength(2);
  });

  it('validates command registrations: names, descriptions, locales, option limits; permissions may be strings', async () => {
    const base = `/applications/${sim.world.applicationId}/commands`;
    const bad = await api('PUT', base, {
      body: [
        { name: 'Ping', description: 'ok' },
        { name: 'ok', description: '' },
        { name: 'loc', description: 'd', name_localizations: { xx: 'loc' }, description_localizations: { fr: 'fr' } },
        {
          name: 'opts',
          description: 'd',
          options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' })),
        },
        { name: 'has space', description: 'd' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(50035);
    expect(bad.body.errors['0'].name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect(bad.body.errors['1'].description._errors[0].code).toBe('BASE_TYPE_BAD_LENGTH');
    expect(bad.body.errors['2'].name_localizations.xx._errors[0].code).toBe('BASE_TYPE_CHOICES');
    expect(bad.body.errors['2'].description_localizations).toBeUndefined();
    expect(bad.body.errors['3'].options._errors[0].code).toBe('BASE_TYPE_MAX_LENGTH');
    expect(bad.body.errors['4'].name._errors[0].code).toBe('APPLICATION_COMMAND_INVALID_NAME');
    expect(await sim.commands()).toEqual([]);

    const good = await api('PUT', base, {
      body: [{ name: 'ping', description: 'Ping', default_member_permissions: '268435456', contexts: [0] }],
    });
    expect(good.status).toBe(200);
    expect(good.body[0]).toMatchObject({ name: 'ping', default_member_permissions: '268435456', contexts: [0] });
    const again = await api('PUT', base, { body: [{ name: 'ping', description: 'Ping again' }] });
    expect(again.body[0].id).toBe(good.body[0].id);
    expect((await sim.waitForCommands()).map((c) => c.description)).toEqual(['Ping again']);
  });

  it('reads snowflakes sent as JSON integers beyond 2^53 exactly', async () => {
    const alice = sim.world.users.alice;
    expect(BigInt(alice) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const r = await api('POST', '/users/@me/channels', { raw: `{"recipient_id": ${alice}}` });
    expect(r.status).toBe(200);
    expect(r.body.recipients[0].id).toBe(alice);
    const huge = await api('POST', '/users/@me/channels', { raw: '{"recipient_id": 123456789012345678901}' });
    expect(huge.status).toBe(404);
    expect(huge.body.code).toBe(10013);
    const recorded = await sim.requests({ route: 'POST /users/@me/channels' });
    expect(recorded.map((x) => (x.body as { recipient_id: string }).recipient_id)).toEqual([
      alice,
      '123456789012345678901',
    ]);
    const broken = await api('POST', '/users/@me/channels', { raw: '{"recipient_id": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe(50109);
  });

  it('rate limits per route and globally with Discord headers when enabled, and counts 429s', async () => {
    await sim.setRateLimits({ enabled: true, perRoute: { limit: 2, windowMs: 1000 }, globalPerSecond: 1000 });
    const path = `/users/${sim.world.users.bob}`;
    const a = await api('GET', path);
    const b = await api('GET', path);
    const c = await api('GET', path);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(a.headers.get('x-ratelimit-limit')).toBe('2');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(b.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(a.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(0);
    expect(Number(a.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(a.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
    expect(c.headers.get('retry-after')).not.toBeNull();
    expect(c.headers.get('x-ratelimit-scope')).toBe('user');
    expect(c.headers.get('x-ratelimit-global')).toBeNull();
    expect(c.body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(c.body.retry_after).toBeGreaterThan(0);

    await sim.setRateLimits({ enabled: true, globalPerSecond: 3, perRoute: { limit: 100, windowMs: 1000 } });
    const statuses: number[] = [];
    let globalReply: Reply | undefined;
    for (let i = 0; i < 4; i++) {
      const r = await api('GET', `/users/${sim.world.users.alice}`);
      statuses.push(r.status);
      if (r.status === 429) globalReply = r;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(globalReply?.headers.get('x-ratelimit-global')).toBe('true');
    expect(globalReply?.headers.get('x-ratelimit-scope')).toBe('global');
    expect(globalReply?.body).toMatchObject({ global: true });
    expect(await sim.rateLimitHits()).toBe(2);

    await sim.setRateLimits({ enabled: false });
    for (let i = 0; i < 5; i++) expect((await api('GET', path)).status).toBe(200);
  });

  it('applies DM, user, member and permission faults with Discord codes', async () => {
    const g = sim.world.guildId;
    await sim.setFaults({ dmClosed: ['alice'], unknownUsers: ['erin'], unknownMembers: ['bob'] });
    const channel = await dmChannel('alice');
    const dm = await api('POST', `/channels/${channel}/messages`, { body: { content: 'hi' } });
    expect([dm.status, dm.body.code]).toEqual([403, 50007]);
    const erin = await api('GET', `/users/${sim.world.users.erin}`);
    expect([erin.status, erin.body.code]).toEqual([404, 10013]);
    const bob = await api('GET', `/guilds/${g}/members/${sim.world.users.bob}`);
    expect([bob.status, bob.body.code]).toEqual([404, 10007]);
    const carol = await api('PUT', `/guilds/${g}/members/${sim.world.users.carol}/roles/${sim.world.roles.premium}`);
    expect([carol.status, carol.body.code]).toEqual([404, 10007]);
    const noRole = await api('PUT', `/guilds/${g}/members/${sim.world.users.alice}/roles/123456789012345678`);
    expect([noRole.status, noRole.body.code]).toEqual([404, 10011]);
    const above = await api('PUT', `/guilds/${g}/members/${sim.world.users.alice}/roles/${sim.world.roles.aboveBot}`);
    expect([above.status, above.body.code]).toEqual([403, 50013]);
    const add = await api('PUT', `/guilds/${g}/members/${sim.world.users.alice}/roles/${sim.world.roles.premium}`);
    expect(add.status).toBe(204);
    expect(await sim.memberRoleNames('alice')).toEqual(['premium']);

    await sim.setFaults({ botMissingPermissions: true });
    const del = await api('DELETE', `/guilds/${g}/members/${sim.world.users.alice}/roles/${sim.world.roles.premium}`);
    expect([del.status, del.body.code]).toEqual([403, 50013]);
    expect(await sim.memberRoleNames('alice')).toEqual(['premium']);

    await sim.reset();
    expect(await sim.memberRoleNames('alice')).toEqual([]);
    const ok = await api('POST', `/channels/${channel}/messages`, { body: { content: 'hi' } });
    expect(ok.status).toBe(200);
  });

  it('returns the earlier message for a repeated enforced nonce instead of posting twice', async () => {
    const channel = await dmChannel('dave');
    const body = { content: 'once', nonce: 'invoice-42', enforce_nonce: true };
    const a = await api('POST', `/channels/${channel}/messages`, { body });
    const b = await api('POST', `/channels/${channel}/messages`, { body });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.id).toBe(a.body.id);
    expect(a.body.nonce).toBe('invoice-42');
    const c = await api('POST', `/channels/${channel}/messages`, { body: { ...body, enforce_nonce: false } });
    expect(c.body.id).not.toBe(a.body.id);
    expect(await sim.dmsTo('dave')).toHaveLength(2);
  });

  it('injects count-limited 5xx answers and latency on route patterns', async () => {
    const channel = await dmChannel('bob');
    await sim.setFaults({ http5xx: [{ route: 'POST /channels/*/messages', status: 503, count: 2 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await api('POST', `/channels/${channel}/messages`, { body: { content: `m${i}` } })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await sim.dmsTo('bob')).map((m) => m.content)).toEqual(['m2']);

    await sim.setFaults({ routeLatency: [{ route: 'GET /users/:user_id', ms: 150 }] });
    const t0 = Date.now();
    await api('GET', `/users/${sim.world.users.bob}`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
