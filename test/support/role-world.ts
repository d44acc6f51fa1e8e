import { DiscordSim } from '../../tools/discord-sim/sim-client';
import { defaultGuildSpec } from '../../tools/discord-sim/world';

/** Extra members of the main guild, for the interleaving and burst tests. */
export const NAMES = Array.from({ length: 20 }, (_, i) => `m${i}`);

/** The default world plus 20 members (m0..m19) and a `supporter` role below the bot. */
export async function roleSim(): Promise<DiscordSim> {
  return manyMembersSim(NAMES);
}

/**
 * The default world plus these members (premium already for the ones `holding` names) and a `supporter`
 * role below the bot.
 */
export async function manyMembersSim(names: string[], holding: (name: string) => boolean = () => false) {
  const guild = defaultGuildSpec();
  return DiscordSim.start({
    heartbeatIntervalMs: 1000,
    world: {
      users: names.map((name) => ({ name })),
      guilds: [
        {
          ...guild,
          roles: [...(guild.roles ?? []), { name: 'supporter', position: 1 }],
          members: [
            ...(guild.members ?? []),
            ...names.map((user) => ({ user, roles: holding(user) ? ['premium'] : [] })),
          ],
        },
      ],
    },
  });
}
