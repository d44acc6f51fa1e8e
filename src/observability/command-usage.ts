/**
 * Where finished slash commands are reported beyond the metrics (the backend's `command_used` events).
 * Provided under COMMAND_USAGE by the module that owns outbound events; optional, like QUEUE_STATS.
 */
export interface CommandUsageSink {
  commandUsed(
    discordId: string,
    usage: { command: string; success: boolean; latency_ms: number; guild_id: string | null },
  ): void;
}

export const COMMAND_USAGE = Symbol('COMMAND_USAGE');
