/**
 * Where finished slash commands are reported beyond the metrics (the backend's `command_used` events).
 * Exported under COMMAND_USAGE by the module that owns outbound events, which the app root hands to
 * DiscordModule.forRoot(); optional, like QUEUE_STATS.
 */
export interface CommandUsageSink {
  commandUsed(
    discordId: string,
    usage: { command: string; success: boolean; latency_ms: number; guild_id: string | null },
  ): void;
}

export const COMMAND_USAGE = Symbol('COMMAND_USAGE');
