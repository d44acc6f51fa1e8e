import { loadConfig } from '../config/app-config';
import { discordClientOptions } from './discord.module';

const base = { DISCORD_TOKEN: 'token', INTERNAL_API_SECRET: 's'.repeat(40) };

describe('discordClientOptions', () => {
  it('should leave rest.api out entirely when no DISCORD_API_URL is set', () => {
    const options = discordClientOptions(loadConfig(base, 'v'));
    expect(options.rest === undefined || !('api' in options.rest)).toBe(true);
    expect(options.development).toBe(false);
  });

  it('should point REST at DISCORD_API_URL and register commands in the dev guilds when set', () => {
    const options = discordClientOptions(
      loadConfig(
        { ...base, DISCORD_API_URL: 'http://127.0.0.1:8787/api/', DISCORD_DEV_GUILD_IDS: '123456789012345678' },
        'v',
      ),
    );
    expect(options.rest).toMatchObject({ api: 'http://127.0.0.1:8787/api' });
    expect(options.development).toEqual(['123456789012345678']);
  });

  it("should hand the sharding to discord.js: auto, all of a count, or this replica's share", () => {
    expect(discordClientOptions(loadConfig(base, 'v'))).toMatchObject({ shards: 'auto' });
    expect(discordClientOptions(loadConfig(base, 'v')).shardCount).toBeUndefined();
    expect(discordClientOptions(loadConfig({ ...base, DISCORD_SHARDS: '2' }, 'v'))).toMatchObject({
      shards: [0, 1],
      shardCount: 2,
    });
    expect(
      discordClientOptions(loadConfig({ ...base, DISCORD_SHARD_COUNT: '4', DISCORD_SHARD_IDS: '2-3' }, 'v')),
    ).toMatchObject({ shards: [2, 3], shardCount: 4 });
  });
});
