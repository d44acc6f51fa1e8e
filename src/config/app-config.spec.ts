import { loadConfig } from './app-config';
import { ConfigError } from './env.validation';

const SECRET = 's'.repeat(40);
const base = { DISCORD_TOKEN: 'token-value-123', INTERNAL_API_SECRET: SECRET };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '1.0.0');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('should apply the documented defaults', () => {
    const config = loadConfig(base, '1.2.3');
    expect(config.internalApi).toEqual({
      secret: SECRET,
      requireSignature: false,
      signingSecret: undefined,
      port: 3000,
      host: '::',
    });
    expect(config.backend).toEqual({ url: 'http://website-backend.railway.internal:8080', timeoutMs: 5000 });
    expect(config.defaultLocale).toBe('en-US');
    expect(config.dataDir).toBe('./data');
    expect(config.logLevel).toBe('info');
    expect(config.logFormat).toBe('json');
    expect(config.metricsToken).toBeUndefined();
    expect(config.discord).toEqual({
      token: 'token-value-123',
      apiUrl: undefined,
      devGuildIds: [],
      globalRateLimit: 50,
      shards: { mode: 'auto' },
    });
    expect(config.planRoles.toObject()).toEqual({});
    expect(config.managedRoleIds).toEqual([]);
    expect(config.roleSync).toEqual({ intervalHours: 24, backendRps: 5, maxRemovals: 10, scope: 'all' });
    expect(config.version).toBe('1.2.3');
  });

  it('should prefer PORT over INTERNAL_PORT', () => {
    expect(loadConfig({ ...base, INTERNAL_PORT: '4000' }, 'v').internalApi.port).toBe(4000);
    expect(loadConfig({ ...base, PORT: '5000', INTERNAL_PORT: '4000' }, 'v').internalApi.port).toBe(5000);
  });

  it('should derive PLAN_ROLES from the premium role and never give roles to free', () => {
    const premium = '111111111111111111';
    expect(loadConfig({ ...base, MODDY_PREMIUM_ROLE_ID: premium }, 'v').planRoles.toObject()).toEqual({
      moddy_max: [premium],
    });
    const explicit = loadConfig(
      { ...base, PLAN_ROLES: JSON.stringify({ moddy_max: [premium], free: ['222222222222222222'] }) },
      'v',
    );
    expect(explicit.planRoles.toObject()).toEqual({ moddy_max: [premium] });
  });

  it('should split the comma lists', () => {
    const config = loadConfig(
      {
        ...base,
        ADMIN_USER_IDS: '111111111111111111, 222222222222222222',
        DISCORD_DEV_GUILD_IDS: '333333333333333333',
      },
      'v',
    );
    expect(config.adminUserIds).toEqual(['111111111111111111', '222222222222222222']);
    expect(config.discord.devGuildIds).toEqual(['333333333333333333']);
  });

  it('should name every missing required variable, one line each', () => {
    expect(problemsOf({})).toEqual(['DISCORD_TOKEN is required', 'INTERNAL_API_SECRET is required']);
  });

  it('should refuse a short secret without printing it', () => {
    const problems = problemsOf({ ...base, INTERNAL_API_SECRET: 'short-secret-value' });
    expect(problems).toEqual(['INTERNAL_API_SECRET must be at least 32 characters long']);
    expect(problems.join('\n')).not.toContain('short-secret-value');
  });

  it('should report each bad variable on its own line', () => {
    const problems = problemsOf({
      ...base,
      PORT: 'eighty',
      MODDY_GUILD_ID: '12',
      DEFAULT_LOCALE: 'de',
      INTERNAL_API_REQUIRE_SIGNATURE: 'maybe',
      PLAN_ROLES: '{not json',
      DISCORD_API_URL: 'not a url',
    });
    expect(problems).toHaveLength(6);
    expect(problems.some((p) => p.startsWith('PORT '))).toBe(true);
    expect(problems.some((p) => p.startsWith('MODDY_GUILD_ID must be a Discord id'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DEFAULT_LOCALE must be one of en-US, fr'))).toBe(true);
    expect(problems.some((p) => p.startsWith('INTERNAL_API_REQUIRE_SIGNATURE must be true or false'))).toBe(true);
    expect(problems.some((p) => p.startsWith('PLAN_ROLES must be JSON'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DISCORD_API_URL '))).toBe(true);
  });

  it('should refuse PLAN_ROLES entries that are not role ids', () => {
    expect(problemsOf({ ...base, PLAN_ROLES: '{"moddy_max":["abc"]}' })).toEqual([
      'PLAN_ROLES plan "moddy_max" must map to a list of Discord role ids',
    ]);
  });

  it('should accept LOG_FORMAT pretty and refuse anything else', () => {
    expect(loadConfig({ ...base, LOG_FORMAT: 'pretty' }, 'v').logFormat).toBe('pretty');
    expect(problemsOf({ ...base, LOG_FORMAT: 'xml' })).toEqual([
      expect.stringMatching(/^LOG_FORMAT must be one of json, pretty/),
    ]);
  });

  it('should refuse a short METRICS_TOKEN without printing it', () => {
    expect(loadConfig({ ...base, METRICS_TOKEN: 'm'.repeat(20) }, 'v').metricsToken).toBe('m'.repeat(20));
    const problems = problemsOf({ ...base, METRICS_TOKEN: 'short-token' });
    expect(problems).toEqual(['METRICS_TOKEN must be at least 16 characters long']);
    expect(problems.join('\n')).not.toContain('short-token');
  });

  it('should want a separate signing key to require signatures, and never print it', () => {
    expect(problemsOf({ ...base, INTERNAL_API_REQUIRE_SIGNATURE: 'true' })).toEqual([
      expect.stringMatching(/^INTERNAL_API_SIGNING_SECRET is required when INTERNAL_API_REQUIRE_SIGNATURE=true/),
    ]);
    expect(problemsOf({ ...base, INTERNAL_API_SIGNING_SECRET: SECRET })).toEqual([
      'INTERNAL_API_SIGNING_SECRET must differ from INTERNAL_API_SECRET (which every request carries)',
    ]);
    const short = problemsOf({ ...base, INTERNAL_API_SIGNING_SECRET: 'short-signing-key' });
    expect(short).toEqual(['INTERNAL_API_SIGNING_SECRET must be at least 32 characters long']);
    const key = 'k'.repeat(40);
    const config = loadConfig(
      { ...base, INTERNAL_API_REQUIRE_SIGNATURE: 'true', INTERNAL_API_SIGNING_SECRET: key },
      '1',
    );
    expect(config.internalApi).toMatchObject({ requireSignature: true, signingSecret: key });
  });

  it('should refuse @everyone (the guild id) as a plan or managed role', () => {
    const guild = '123456789012345678';
    expect(
      problemsOf({ ...base, MODDY_GUILD_ID: guild, MANAGED_ROLE_IDS: guild, PLAN_ROLES: `{"moddy_max":["${guild}"]}` }),
    ).toEqual([
      'MANAGED_ROLE_IDS names @everyone (the id of MODDY_GUILD_ID): no one can be given it or lose it',
      'PLAN_ROLES names @everyone (the id of MODDY_GUILD_ID): no one can be given it or lose it',
    ]);
  });

  it('should never print the Discord token or database URL', () => {
    const problems = problemsOf({ ...base, DISCORD_TOKEN: '', DATABASE_URL: 'mysql://user:pw@host/db' });
    expect(problems.join('\n')).not.toContain('pw@host');
    expect(problems).toContain('DISCORD_TOKEN is required');
  });

  describe('shards', () => {
    const shards = (env: Record<string, string>) => loadConfig({ ...base, ...env }, 'v').discord.shards;

    it('should run the recommended count by default, or that many shards all here', () => {
      expect(shards({})).toEqual({ mode: 'auto' });
      expect(shards({ DISCORD_SHARDS: 'AUTO' })).toEqual({ mode: 'auto' });
      expect(shards({ DISCORD_SHARDS: '3' })).toEqual({ mode: 'fixed', count: 3, ids: [0, 1, 2] });
    });

    it("should run this replica's share of DISCORD_SHARD_COUNT, lists and ranges alike", () => {
      expect(shards({ DISCORD_SHARD_COUNT: '6', DISCORD_SHARD_IDS: '3-5' })).toEqual({
        mode: 'fixed',
        count: 6,
        ids: [3, 4, 5],
      });
      expect(shards({ DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '2, 0' })).toMatchObject({ ids: [0, 2] });
    });

    it('should refuse every inconsistent shard setting with a line that says what to set', () => {
      expect(problemsOf({ ...base, DISCORD_SHARDS: 'many' })).toEqual([
        'DISCORD_SHARDS must be auto or a shard count (1 to 99999) (got "many")',
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARDS: '0' })).toHaveLength(1);
      expect(problemsOf({ ...base, DISCORD_SHARD_IDS: '0,1' })).toEqual([
        "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the bot's total shard count)",
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARD_COUNT: '2' })).toEqual([
        'DISCORD_SHARD_COUNT needs DISCORD_SHARD_IDS (the shards this replica runs, such as 0,1)',
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '1,2,3' })).toEqual([
        'DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT (2); got 2, 3',
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '0-2,2' })).toEqual([
        'DISCORD_SHARD_IDS names shard 2 more than once',
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '3-1' })).toEqual([
        'DISCORD_SHARD_IDS has a range that runs backwards (got "3-1")',
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: 'one' })).toEqual([
        expect.stringMatching(/^DISCORD_SHARD_IDS must be a comma-separated list of shard ids or ranges/),
      ]);
      expect(problemsOf({ ...base, DISCORD_SHARDS: '2', DISCORD_SHARD_COUNT: '2', DISCORD_SHARD_IDS: '0' })).toEqual([
        expect.stringMatching(/^DISCORD_SHARDS cannot be combined with DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS/),
      ]);
    });
  });
});
