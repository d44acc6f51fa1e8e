import type { DiscordSim } from '../discord-sim/sim-client';

export const BENCH_SECRET = 'bench-internal-secret-0123456789abcdef';

/** The service's environment against a simulator, as production would set it (LOG_LEVEL info: real log volume). */
export function botEnv(sim: DiscordSim, port: number, backendUrl: string): Record<string, string> {
  return {
    DISCORD_TOKEN: sim.token,
    DISCORD_API_URL: sim.apiUrl,
    INTERNAL_API_SECRET: BENCH_SECRET,
    BACKEND_INTERNAL_URL: backendUrl,
    MODDY_GUILD_ID: sim.world.guildId,
    MODDY_PREMIUM_ROLE_ID: sim.world.roles.premium,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
}

/** User ids of a guild's members, through the simulator's Discord REST API (as a bot would list them). */
export async function memberIds(sim: DiscordSim, guildId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let after = '0';
  while (ids.length < count) {
    const res = await fetch(`${sim.apiUrl}/v10/guilds/${guildId}/members?limit=1000&after=${after}`, {
      headers: { authorization: `Bot ${sim.token}` },
    });
    if (!res.ok) throw new Error(`listing members of ${guildId}: HTTP ${res.status} ${await res.text()}`);
    const page = (await res.json()) as Array<{ user: { id: string; bot?: boolean } }>;
    if (page.length === 0) break;
    for (const member of page) if (!member.user.bot) ids.push(member.user.id);
    after = page[page.length - 1].user.id;
  }
  if (ids.length < count) throw new Error(`guild ${guildId} has ${ids.length} members, ${count} needed`);
  return ids.slice(0, count);
}
