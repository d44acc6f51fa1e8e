// The gateway with a hand-written client: HELLO/heartbeats, IDENTIFY checks and close codes, READY and
// GUILD_CREATE shapes, sequence numbers, compression, RESUME, REQUEST_GUILD_MEMBERS and intent filtering.
import * as zlib from 'node:zlib';
import { WebSocket, type RawData } from 'ws';
import { DiscordSim } from './sim-client';

interface Payload {
  op: number;
  t?: string | null;
  s?: number | null;
  // gateway payloads are walked freely in assertions
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  d: any;
}

class RawGateway {
  readonly received: Payload[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private listeners: Array<() => void> = [];
  private inflate: zlib.Inflate | null = null;
  private chain: Promise<void> = Promise.resolve();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static open(url: string, query = 'v=10&encoding=json'): Promise<RawGateway> {
    const ws = new WebSocket(`${url}/?${query}`);
    const gw = new RawGateway(ws);
    if (query.includes('compress=zlib-stream')) gw.inflate = zlib.createInflate();
    ws.on('message', (data: RawData, isBinary: boolean) => gw.onMessage(data as Buffer, isBinary));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(gw));
      ws.once('error', reject);
    });
  }

  private push(text: string): void {
    this.received.push(JSON.parse(text) as Payload);
    for (const l of this.listeners) l();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.push(data.toString('utf8'));
    const inflate = this.inflate;
    if (!inflate) return this.push(zlib.inflateSync(data).toString('utf8'));
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve) => {
          const chunks: Buffer[] = [];
          const onData = (c: Buffer): void => {
            chunks.push(c);
          };
          inflate.on('data', onData);
          inflate.write(data);
          inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            inflate.off('data', onData);
            this.push(Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
        }),
    );
  }

  send(p: { op: number; d: unknown }): void {
    this.ws.send(JSON.stringify(p));
  }

  /** Waits for the n-th (1-based) payload matching. */
  next(pred: (p: Payload) => boolean, n = 1, timeoutMs = 3000): Promise<Payload> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.filter(pred);
        if (found.length >= n) {
          this.listeners = this.listeners.filter((l) => l !== listener);
          clearTimeout(timer);
          resolve(found[n - 1]);
          return true;
        }
        return false;
      };
      const listener = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timeout; received ${this.received.map((p) => p.t ?? `op${p.op}`).join(',')}`));
      }, timeoutMs);
      if (!check()) this.listeners.push(listener);
    });
  }

  dispatches(t: string): Payload[] {
    return this.received.filter((p) => p.op === 0 && p.t === t);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}

const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_PRESENCES = 1 << 8;

describe('discord-sim gateway', () => {
  let sim: DiscordSim;
  const open: RawGateway[] = [];

  const connect = async (query?: string): Promise<RawGateway> => {
    const gw = await RawGateway.open(sim.wsUrl, query);
    open.push(gw);
    return gw;
  };

  const identify = async (gw: RawGateway, d: Record<string, unknown> = {}): Promise<Payload> => {
    await gw.next((p) => p.op === 10);
    gw.send({
      op: 2,
      d: { token: sim.token, intents: GUILDS, properties: { os: 'linux', browser: 't', device: 't' }, ...d },
    });
    return gw.next((p) => p.t === 'READY');
  };

  beforeAll(async () => {
    sim = await DiscordSim.start({ heartbeatIntervalMs: 4321 });
  });

  beforeEach(async () => {
    await sim.reset();
  });

  afterEach(() => {
    for (const gw of open.splice(0)) gw.close();
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('says HELLO with the configured interval and ACKs heartbeats', async () => {
    const gw = await connect();
    const hello = await gw.next((p) => p.op === 10);
    expect(hello.d.heartbeat_interval).toBe(4321);
    gw.send({ op: 1, d: null });
    await gw.next((p) => p.op === 11);
  });

  it('answers IDENTIFY with READY then one GUILD_CREATE per guild, with increasing sequence numbers', async () => {
    const gw = await connect();
    const ready = await identify(gw);
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({
      v: 10,
      user: { id: sim.world.botUserId, bot: true },
      guilds: [{ id: sim.world.guildId, unavailable: true }],
      resume_gateway_url: sim.wsUrl,
      shard: [0, 1],
      application: { id: sim.world.applicationId },
    });
    expect(typeof ready.d.session_id).toBe('string');
    const gc = await gw.next((p) => p.t === 'GUILD_CREATE');
    expect(gc.s).toBe(2);
    expect(gc.d).toMatchObject({ id: sim.world.guildId, name: 'Moddy', unavailable: false, member_count: 7 });
    expect(gc.d.roles).toHaveLength(5);
    // without GUILD_PRESENCES Discord sends only the bot's own member
    expect((gc.d.members as Array<{ user: { id: string } }>).map((m) => m.user.id)).toEqual([sim.world.botUserId]);
    await sim.waitForReady(2000);
  });

  it('sends all members of small guilds when GUILD_PRESENCES is set', async () => {
    const gw = await connect();
    await identify(gw, { intents: GUILDS | GUILD_PRESENCES });
    const gc = await gw.next((p) => p.t === 'GUILD_CREATE');
    expect(gc.d.members).toHaveLength(7);
  });

  it('closes with Discord close codes on bad token, bad intents, bad version and double IDENTIFY', async () => {
    const bad = await connect();
    await bad.next((p) => p.op === 10);
    bad.send({ op: 2, d: { token: 'nope', intents: GUILDS, properties: {} } });
    expect((await bad.closed).code).toBe(4004);

    const intents = await connect();
    await intents.next((p) => p.op === 10);
    intents.send({ op: 2, d: { token: sim.token, intents: 1 << 30, properties: {} } });
    expect((await intents.closed).code).toBe(4013);

    const version = await connect('v=9&encoding=json');
    expect((await version.closed).code).toBe(4012);

    const twice = await connect();
    await identify(twice);
    twice.send({ op: 2, d: { token: sim.token, intents: GUILDS, properties: {} } });
    expect((await twice.closed).code).toBe(4005);

    const early = await connect();
    await early.next((p) => p.op === 10);
    early.send({ op: 8, d: { guild_id: sim.world.guildId, query: '', limit: 0 } });
    expect((await early.closed).code).toBe(4003);
  });

  it('speaks zlib-stream when asked (compress=zlib-stream)', async () => {
    const gw = await connect('v=10&encoding=json&compress=zlib-stream');
    const ready = await identify(gw);
    expect(ready.d.session_id).toBeDefined();
    await gw.next((p) => p.t === 'GUILD_CREATE');
    gw.send({ op: 1, d: 2 });
    await gw.next((p) => p.op === 11);
    const session = (await sim.sessions()).find((s) => s.sessionId === ready.d.session_id);
    expect(session?.compression).toBe('zlib-stream');
  });

  it('compresses large payloads when IDENTIFY asks for compress:true', async () => {
    const gw = await connect();
    const ready = await identify(gw, { compress: true, intents: GUILDS | GUILD_PRESENCES });
    await gw.next((p) => p.t === 'GUILD_CREATE');
    const session = (await sim.sessions()).find((s) => s.sessionId === ready.d.session_id);
    expect(session?.compression).toBe('identify');
  });

  it('resumes a known session replaying missed events, and invalidates unknown ones', async () => {
    const first = await connect();
    const ready = await identify(first, { intents: GUILDS | GUILD_MEMBERS });
    await first.next((p) => p.t === 'GUILD_CREATE');
    const seq = 2;
    first.ws.terminate();
    await first.closed;
    await sim.memberJoin(sim.world.guildId, 'carol');

    const second = await connect();
    await second.next((p) => p.op === 10);
    second.send({ op: 6, d: { token: sim.token, session_id: ready.d.session_id, seq } });
    const add = await second.next((p) => p.t === 'GUILD_MEMBER_ADD');
    expect(add.s).toBe(3);
    expect(add.d.user.id).toBe(sim.world.users.carol);
    const resumed = await second.next((p) => p.t === 'RESUMED');
    expect(resumed.s).toBe(4);

    const third = await connect();
    await third.next((p) => p.op === 10);
    third.send({ op: 6, d: { token: sim.token, session_id: 'nope', seq: 1 } });
    const invalid = await third.next((p) => p.op === 9);
    expect(invalid.d).toBe(false);
  });

  it('answers REQUEST_GUILD_MEMBERS with chunks, and filters member events by intent', async () => {
    const withMembers = await connect();
    await identify(withMembers, { intents: GUILDS | GUILD_MEMBERS });
    const without = await connect();
    await identify(without, { intents: GUILDS });

    withMembers.send({ op: 8, d: { guild_id: sim.world.guildId, query: '', limit: 0, nonce: 'all' } });
    const chunk = await withMembers.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'all');
    expect(chunk.d).toMatchObject({ guild_id: sim.world.guildId, chunk_index: 0, chunk_count: 1 });
    expect(chunk.d.members).toHaveLength(7);
    withMembers.send({ op: 8, d: { guild_id: sim.world.guildId, query: 'al', limit: 10, nonce: 'al' } });
    const al = await withMembers.next((p) => p.t === 'GUILD_MEMBERS_CHUNK' && p.d.nonce === 'al');
    expect((al.d.members as Array<{ user: { username: string } }>).map((m) => m.user.username)).toEqual(['alice']);

    await sim.memberJoin(sim.world.guildId, 'carol');
    await sim.memberLeave(sim.world.guildId, 'carol');
    await withMembers.next((p) => p.t === 'GUILD_MEMBER_REMOVE');
    expect(withMembers.dispatches('GUILD_MEMBER_ADD')).toHaveLength(1);
    expect(without.dispatches('GUILD_MEMBER_ADD')).toHaveLength(0);
    expect(without.dispatches('GUILD_MEMBER_REMOVE')).toHaveLength(0);
  });

  it('streams many synthetic guilds', async () => {
    const big = await DiscordSim.start({ world: { synthetic: { guilds: 300, membersPerGuild: 50 } } });
    try {
      const gw = await RawGateway.open(big.wsUrl);
      open.push(gw);
      await gw.next((p) => p.op === 10);
      gw.send({ op: 2, d: { token: big.token, intents: GUILDS | GUILD_MEMBERS, properties: {} } });
      const ready = await gw.next((p) => p.t === 'READY');
      expect(ready.d.guilds).toHaveLength(301);
      await gw.next((p) => p.t === 'GUILD_CREATE', 301, 10000);
      await big.waitForReady(5000);
      const syn = gw.dispatches('GUILD_CREATE')[1];
      expect(syn.d).toMatchObject({ member_count: 51, large: true });
      expect(big.world.syntheticGuildIds).toHaveLength(300);
      gw.send({ op: 8, d: { guild_id: big.world.syntheticGuildIds[0], query: '', limit: 0, nonce: 'x' } });
      const chunk = await gw.next((p) => p.t === 'GUILD_MEMBERS_CHUNK');
      expect(chunk.d.members).toHaveLength(51);
    } finally {
      await big.stop();
    }
  });
});
