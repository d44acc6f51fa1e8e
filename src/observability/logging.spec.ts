import { Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { loadConfig } from '../config/app-config';
import { createRootLogger, REDACTED, requestIdOf, secretScrubber, secretsOf } from './logging';

const SECRETS = {
  DISCORD_TOKEN: 'MTIzNDU2Nzg5.discord-token-value',
  INTERNAL_API_SECRET: 'internal-secret-0123456789abcdef-xyz',
  DATABASE_URL: 'postgres://moddy:pg-pass-w0rd@db.railway.internal:5432/moddy',
  METRICS_TOKEN: 'metrics-token-0123456789',
};

/** A pino destination that keeps every line. */
function capture(): { stream: Writable; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;

describe('logging', () => {
  it('should keep a well-formed X-Request-Id and replace anything else with a UUID', () => {
    expect(requestIdOf(request('4bf92f3577b34da6a3ce929d0e0e4736'))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(requestIdOf(request('req_01HZX:7.a-b'))).toBe('req_01HZX:7.a-b');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'has space', 'quote"d', 'x'.repeat(129), 'line\nbreak', '{"json":1}']) {
      expect(requestIdOf(request(bad))).toMatch(uuid);
    }
  });

  it('should list every secret of the configuration, the database password alone included', () => {
    const config = loadConfig(SECRETS, 'v');
    expect(secretsOf(config)).toEqual(expect.arrayContaining([...Object.values(SECRETS), 'pg-pass-w0rd']));
  });

  it('should cut secrets out of a line, in plain and JSON-escaped form, but leave short values alone', () => {
    const scrub = secretScrubber(['s3cr3t"value!', 'short']);
    expect(scrub('a s3cr3t"value! b')).toBe(`a ${REDACTED} b`);
    expect(scrub(JSON.stringify({ x: 'pre s3cr3t"value! post' }))).toBe(`{"x":"pre ${REDACTED} post"}`);
    expect(scrub('a short word')).toBe('a short word');
  });

  it('should write JSON lines with a string level and a message, with every secret and credential header redacted', async () => {
    const config = loadConfig({ ...SECRETS, LOG_LEVEL: 'debug' }, '2.0.0');
    const out = capture();
    const logger = await createRootLogger(config, out.stream);
    logger.info(
      {
        headers: { authorization: `Bearer ${SECRETS.INTERNAL_API_SECRET}`, 'x-moddy-signature': 'sha256=abcdef' },
        err: new Error(`connect to ${SECRETS.DATABASE_URL} failed`),
      },
      `token ${SECRETS.DISCORD_TOKEN} and metrics ${SECRETS.METRICS_TOKEN}`,
    );
    logger.debug({ config: { headers: { Authorization: 'Bot anything-else-at-all' } } }, 'axios config');
    logger.warn('password pg-pass-w0rd alone');
    const text = out.text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'discord-bot', version: '2.0.0' });
    expect(lines[0].message).toContain('token [redacted]');
    expect(lines[0].headers).toEqual({ authorization: REDACTED, 'x-moddy-signature': REDACTED });
    expect(lines[1]).toMatchObject({ level: 'debug', config: { headers: { Authorization: REDACTED } } });
    for (const secret of [...Object.values(SECRETS), 'pg-pass-w0rd', 'sha256=abcdef', 'anything-else-at-all']) {
      expect(text).not.toContain(secret);
    }
  });

  it('should map LOG_LEVEL verbose to trace and silent to nothing at all', async () => {
    const verbose = capture();
    const logger = await createRootLogger(loadConfig({ ...SECRETS, LOG_LEVEL: 'verbose' }, 'v'), verbose.stream);
    logger.trace('fine detail');
    expect(verbose.text()).toContain('fine detail');
    const silent = capture();
    (await createRootLogger(loadConfig({ ...SECRETS, LOG_LEVEL: 'silent' }, 'v'), silent.stream)).fatal('nothing');
    expect(silent.text()).toBe('');
  });
});
