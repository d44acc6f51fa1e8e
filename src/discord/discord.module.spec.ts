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
});
