import { DiscordAPIError, REST } from 'discord.js';
import { ScriptedServer } from '../../test/support/scripted-server';
import { reportingRestErrors } from './discord-rest-errors';

describe('reportingRestErrors', () => {
  let server: ScriptedServer;
  const seen: Array<[number, number | undefined]> = [];
  let rest: REST;

  beforeAll(async () => {
    server = await ScriptedServer.start();
    rest = new REST({
      api: server.url,
      retries: 0,
      makeRequest: reportingRestErrors((status, code) => seen.push([status, code])),
    }).setToken('token');
  });
  afterAll(() => server.stop());
  beforeEach(() => (seen.length = 0));

  it('should report the Discord code of an error and still give discord.js the same error', async () => {
    server.answer({ status: 403, body: { message: 'Cannot send messages to this user', code: 50007 } });
    const error = (await rest
      .post('/channels/1/messages', { body: { content: 'x' } })
      .catch((e: unknown) => e)) as DiscordAPIError;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error.code).toBe(50007);
    expect(error.message).toBe('Cannot send messages to this user');
    expect(seen).toEqual([[403, 50007]]);
  });

  it('should leave successful answers untouched and unreported', async () => {
    server.answer({ status: 200, body: { id: '42' } });
    await expect(rest.get('/users/@me')).resolves.toEqual({ id: '42' });
    expect(seen).toEqual([]);
  });

  it('should report an error whose code is 0 (Discord unknown route, 429s) as having none', async () => {
    server.answer({ status: 404, body: { message: '404: Not Found', code: 0 } });
    await expect(rest.get('/users/2')).rejects.toBeInstanceOf(DiscordAPIError);
    expect(seen).toEqual([[404, undefined]]);
  });
});
