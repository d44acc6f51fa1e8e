// Discord-style rate limits: per-route buckets (X-RateLimit-* headers) and a global per-second limit.
import { createHash } from 'node:crypto';
import { matchesPattern } from './patterns';
import type { RateLimitConfig } from './types';

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: false,
  globalPerSecond: 50,
  perRoute: { limit: 5, windowMs: 5000 },
  routes: [],
};

export interface RateLimitDecision {
  limited: boolean;
  global: boolean;
  headers: Record<string, string>;
  /** Seconds, for the 429 body. */
  retryAfter: number;
}

interface Bucket {
  count: number;
  resetAt: number;
}

const seconds = (ms: number): string => (Math.ceil(ms) / 1000).toFixed(3);

export class RateLimiter {
  config: RateLimitConfig = structuredClone(DEFAULT_RATE_LIMITS);
  private buckets = new Map<string, Bucket>();
  private globalStart = 0;
  private globalCount = 0;
  hits = 0;
  globalHits = 0;

  configure(partial: Partial<RateLimitConfig>): void {
    this.config = {
      ...this.config,
      ...partial,
      perRoute: { ...this.config.perRoute, ...(partial.perRoute ?? {}) },
      routes: partial.routes ?? this.config.routes,
    };
    this.buckets.clear();
    this.globalStart = 0;
    this.globalCount = 0;
  }

  reset(): void {
    this.config = structuredClone(DEFAULT_RATE_LIMITS);
    this.buckets.clear();
    this.globalStart = 0;
    this.globalCount = 0;
    this.hits = 0;
    this.globalHits = 0;
  }

  /**
   * @param template route template (bucket identity), @param major major parameter value,
   * @param countsGlobally false for interaction callbacks and interaction webhooks (Discord exempts them).
   */
  check(method: string, template: string, path: string, major: string, countsGlobally: boolean): RateLimitDecision {
    const none: RateLimitDecision = { limited: false, global: false, headers: {}, retryAfter: 0 };
    if (!this.config.enabled) return none;
    const now = Date.now();

    if (countsGlobally) {
      if (now - this.globalStart >= 1000) {
        this.globalStart = now;
        this.globalCount = 0;
      }
      if (this.globalCount >= this.config.globalPerSecond) {
        const wait = this.globalStart + 1000 - now;
        this.hits++;
        this.globalHits++;
        return {
          limited: true,
          global: true,
          retryAfter: Number(seconds(wait)),
          headers: {
            'Retry-After': seconds(wait),
            'X-RateLimit-Global': 'true',
            'X-RateLimit-Scope': 'global',
          },
        };
      }
    }

    const override = this.config.routes.find((r) => matchesPattern(r.route, method, path));
    const limit = override?.limit ?? this.config.perRoute.limit;
    const windowMs = override?.windowMs ?? this.config.perRoute.windowMs;
    const hash = createHash('md5').update(`${method} ${template}`).digest('hex');
    const key = override?.scope === 'route' ? hash : `${hash}:${major}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { count: 0, resetAt: now + windowMs };
      this.buckets.set(key, bucket);
    }
    const resetAfter = bucket.resetAt - now;
    const base = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': seconds(resetAfter),
      'X-RateLimit-Bucket': hash,
    };
    if (bucket.count >= limit) {
      this.hits++;
      return {
        limited: true,
        global: false,
        retryAfter: Number(seconds(resetAfter)),
        headers: {
          ...base,
          'X-RateLimit-Remaining': '0',
          'Retry-After': seconds(resetAfter),
          'X-RateLimit-Scope': 'user',
        },
      };
    }
    bucket.count++;
    if (countsGlobally) this.globalCount++;
    return {
      limited: false,
      global: false,
      retryAfter: 0,
      headers: { ...base, 'X-RateLimit-Remaining': String(limit - bucket.count) },
    };
  }
}
