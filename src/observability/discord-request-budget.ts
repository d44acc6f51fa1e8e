import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Metrics } from './metrics.service';

/**
 * Discord blocks the bot's IP for an hour after this many invalid requests (answers 401, 403, or 429 but
 * those of scope `shared`) within WINDOW_MS.
 */
export const INVALID_REQUESTS_LIMIT = 10_000;
const WINDOW_MS = 10 * 60_000;
const SLOT_MS = 1000;
const SLOTS = WINDOW_MS / SLOT_MS;

/** What the budget needs to know of one Discord answer. */
export interface RestAnswer {
  status: number;
  /** A 429's `X-RateLimit-Scope` was `shared` (a resource's limit, not counted by Discord). */
  shared: boolean;
  /** The route with its ids and tokens left out (`channels/:id/messages`), for the metric. */
  route: string;
}

/**
 * Counts the invalid requests Discord answered this process over a sliding 10 minutes. Past half of Discord's
 * budget, work that can wait (the sweep, the workers' queued deliveries and retries) pauses until the window
 * clears, with one warn line; requests a caller waits for (first attempts, interaction replies) go on.
 */
@Injectable()
export class DiscordRequestBudget implements OnModuleInit {
  private readonly logger = new Logger(DiscordRequestBudget.name);
  private readonly counts = new Int32Array(SLOTS);
  private readonly slotOf = new Float64Array(SLOTS).fill(-1);
  private pausedSince: number | undefined;

  constructor(private readonly metrics: Metrics) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'moddy_discord_invalid_requests_10m',
      'Discord answers 401, 403 and 429 (but shared-scope 429s) over the last 10 minutes; 10,000 blocks the IP for an hour',
      () => this.count(),
    );
  }

  /** One Discord answer with an error status. */
  record(answer: RestAnswer, now = Date.now()): void {
    const invalid = answer.status === 401 || answer.status === 403 || (answer.status === 429 && !answer.shared);
    if (!invalid) return;
    this.metrics.discordInvalidRequest(answer.status, answer.route);
    const slot = Math.floor(now / SLOT_MS);
    const i = slot % SLOTS;
    if (this.slotOf[i] !== slot) {
      this.slotOf[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]++;
  }

  /** Invalid requests over the last 10 minutes. */
  count(now = Date.now()): number {
    const current = Math.floor(now / SLOT_MS);
    let total = 0;
    for (let i = 0; i < SLOTS; i++) if (current - this.slotOf[i] < SLOTS) total += this.counts[i];
    return total;
  }

  /** Whether work that can wait should wait: past half of Discord's budget. Says so once each way. */
  paused(now = Date.now()): boolean {
    const over = this.count(now) >= INVALID_REQUESTS_LIMIT / 2;
    if (over && this.pausedSince === undefined) {
      this.pausedSince = now;
      this.logger.warn(
        `Discord answered ${this.count(now)} invalid requests (401/403/429) in 10 minutes, half of what blocks the bot for an hour: the sweep and queued deliveries pause until the window clears`,
      );
    } else if (!over && this.pausedSince !== undefined) {
      this.logger.log(
        `Discord's invalid-request window cleared after ${Math.round((now - this.pausedSince) / 1000)} s: paused work goes on`,
      );
      this.pausedSince = undefined;
    }
    return over;
  }
}

const ROUTE_WORDS = new Set([
  'channels',
  'messages',
  'users',
  '@me',
  'guilds',
  'members',
  'roles',
  'interactions',
  'callback',
  'webhooks',
  'applications',
  'commands',
  'gateway',
  'bot',
  'original',
]);

/** A REST path as a metric label: the words kept, every id or token replaced (`/channels/:id/messages`). */
export function routeGroup(url: string): string {
  const path = new URL(url, 'http://x').pathname.replace(/^\/api(\/v\d+)?/, '');
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => (ROUTE_WORDS.has(s) ? s : ':id'))
    .join('/');
}
