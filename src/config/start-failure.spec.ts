import { describeStartFailure, StartFailure, startStep, type StartContext } from './start-failure';

const pg: StartContext = { dialect: 'postgres', dataDir: './data', host: '::', port: 3000 };
const sqlite: StartContext = { ...pg, dialect: 'sqlite' };
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('describeStartFailure', () => {
  it.each([
    [withCode('password authentication failed for user "moddy"', '28P01'), /refused the login: password/],
    [withCode('database "x" does not exist', '3D000'), /has no such database/],
    [new Error('Connection terminated due to connection timeout'), /is unreachable: Connection terminated/],
    [withCode('connect ECONNREFUSED 10.0.0.1:5432', 'ECONNREFUSED'), /is unreachable: connect ECONNREFUSED/],
  ])('should name what PostgreSQL refused (%p)', (error, cause) => {
    expect(describeStartFailure(error, 'store', pg)).toMatch(new RegExp(`^PostgreSQL at DATABASE_URL ${cause.source}`));
  });

  it('should name the SQLite directory that cannot be opened', () => {
    const error = withCode("EACCES: permission denied, mkdir '/data'", 'EACCES');
    expect(describeStartFailure(error, 'store', sqlite)).toBe(
      "the SQLite store in DATA_DIR (./data) cannot be opened: EACCES: permission denied, mkdir '/data'",
    );
  });

  it('should look through fetch wrappers for the network cause', () => {
    const error = new TypeError('fetch failed', { cause: withCode('getaddrinfo EAI_AGAIN discord.com', 'EAI_AGAIN') });
    expect(describeStartFailure(error, 'discord', pg)).toBe(
      'Discord is unreachable: getaddrinfo EAI_AGAIN discord.com',
    );
  });

  it.each([
    [new Error('Authentication failed'), 'Discord refused the token (4004): check DISCORD_TOKEN'],
    [
      withCode('An invalid token was provided.', 'TokenInvalid'),
      'Discord refused the token (401): check DISCORD_TOKEN',
    ],
  ])('should name a refusal of Discord (%p)', (error, line) => {
    expect(describeStartFailure(error, 'discord', pg)).toBe(line);
  });

  it('should name the port in use', () => {
    const error = withCode('listen EADDRINUSE: address already in use :::3000', 'EADDRINUSE');
    expect(describeStartFailure(error, 'listen', pg)).toBe('port 3000 on :: is already in use (EADDRINUSE)');
  });

  it('should keep the first line of an error it does not know', () => {
    expect(describeStartFailure(new Error('something odd\n    at x'), 'discord', pg)).toBe('something odd');
  });

  it('should tag a failing step with its cause and keep the original error', async () => {
    const original = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    const failure = await startStep('store', pg, () => Promise.reject(original)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StartFailure);
    expect((failure as StartFailure).cause).toBe(original);
    expect(describeStartFailure(failure, 'listen', pg)).toBe((failure as StartFailure).message);
  });
});
