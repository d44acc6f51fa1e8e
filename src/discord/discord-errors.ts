import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';

/** Discord's JSON error codes the service acts on. */
export const DiscordErrorCode = {
  UnknownChannel: 10003,
  UnknownMember: 10007,
  UnknownRole: 10011,
  UnknownUser: 10013,
  UnknownInteraction: 10062,
  MissingAccess: 50001,
  CannotMessageUser: 50007,
  MissingPermissions: 50013,
} as const;

export const DISCORD_FAILURE_KINDS = [
  'dm_closed',
  'unknown_user',
  'unknown_member',
  'unknown_role',
  'missing_permissions',
  /** Worth trying again later: 5xx, network, timeout, a rate limit longer than we can wait. */
  'transient',
  'other',
] as const;
export type DiscordFailureKind = (typeof DISCORD_FAILURE_KINDS)[number];

/** Sorts any error thrown by discord.js's REST client into what the service does about it. */
export function classifyDiscordError(error: unknown): DiscordFailureKind {
  if (error instanceof DiscordAPIError) {
    switch (error.code) {
      case DiscordErrorCode.CannotMessageUser:
        return 'dm_closed';
      case DiscordErrorCode.UnknownUser:
        return 'unknown_user';
      case DiscordErrorCode.UnknownMember:
        return 'unknown_member';
      case DiscordErrorCode.UnknownRole:
        return 'unknown_role';
      case DiscordErrorCode.MissingPermissions:
      case DiscordErrorCode.MissingAccess:
        return 'missing_permissions';
      default:
        return error.status >= 500 || error.status === 429 ? 'transient' : 'other';
    }
  }
  if (error instanceof HTTPError) return error.status >= 500 || error.status === 429 ? 'transient' : 'other';
  if (error instanceof RateLimitError) return 'transient';
  // AbortError (our time budget), ECONNREFUSED, ECONNRESET, DNS: all transient.
  return 'transient';
}

export function discordErrorCode(error: unknown): number | string | undefined {
  if (error instanceof DiscordAPIError) return error.code;
  if (error instanceof HTTPError) return error.status;
  return undefined;
}
