import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Client, REST } from 'discord.js';

/**
 * Interaction follow-ups and edits of the interaction's own messages go to `/webhooks/<application>/<token>/...`:
 * Discord does not count them against the bot's global limit of 50 requests a second, but discord.js does, so a
 * command's final reply would wait behind a burst of DMs or role changes. They go through a REST client of their
 * own, without the global limiter (per-route limits as Discord sends them still apply); everything else, and
 * the interaction callbacks (already outside it in discord.js), is unchanged.
 */
@Injectable()
export class InteractionLane implements OnModuleInit {
  constructor(private readonly client: Client) {}

  onModuleInit(): void {
    const rest = this.client.rest;
    const lane = new REST({ ...rest.options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
    const queue = rest.queueRequest.bind(rest);
    rest.queueRequest = (request) =>
      request.fullRoute.startsWith('/webhooks/') ? lane.queueRequest(request) : queue(request);
  }
}
