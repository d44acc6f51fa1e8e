import { Injectable } from '@nestjs/common';
import type { SubscriptionInfo } from '../backend/dto/subscription-info.response';
import { SubscriptionClient } from '../backend/subscription.client';
import { PremiumRoleStatus, type PremiumRoleState } from '../role-truth';

/** How long a user's subscription info may be reused; POST /internal/subscription/refresh drops it sooner. */
const SUBSCRIPTION_CACHE_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * The subscription truth, read from the backend, with a short per-user cache so repeated commands stay
 * fast. Only successful answers are cached; the backend tells us when to forget one.
 */
@Injectable()
export class SubscriptionService {
  private readonly cache = new Map<string, { value: SubscriptionInfo | null; expiresAt: number }>();

  constructor(
    private readonly client: SubscriptionClient,
    private readonly premiumRole: PremiumRoleStatus,
  ) {}

  /**
   * What `/subscription` shows a member: their subscription, and where their premium role stands (given at
   * once when they are entitled and lack it). `heldRoles`: their roles in MODDY_GUILD_ID, when the command was
   * run there (the interaction carries them: no Discord read, which would wait behind a burst).
   */
  async overviewOf(
    discordId: string,
    heldRoles?: readonly string[],
  ): Promise<{ subscription: SubscriptionInfo | null; premiumRole: PremiumRoleState | undefined }> {
    const { value: subscription, fresh } = await this.lookup(discordId);
    const premiumRole = await this.premiumRole.of(discordId, { subscription, fresh }, heldRoles);
    return { subscription, premiumRole };
  }

  /** The user's subscription, or null when they have none. */
  async subscriptionOf(discordId: string, now = Date.now()): Promise<SubscriptionInfo | null> {
    return (await this.lookup(discordId, now)).value;
  }

  /** The subscription, and whether it was just read from the backend (`fresh`) rather than the cache. */
  private async lookup(
    discordId: string,
    now = Date.now(),
  ): Promise<{ value: SubscriptionInfo | null; fresh: boolean }> {
    const hit = this.cache.get(discordId);
    if (hit && hit.expiresAt > now) return { value: hit.value, fresh: false };
    const answer = await this.client.info(discordId);
    const value = answer.has_subscription && answer.subscription ? answer.subscription : null;
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.evictExpired(now);
    this.cache.set(discordId, { value, expiresAt: now + SUBSCRIPTION_CACHE_MS });
    return { value, fresh: true };
  }

  /** Drops what is cached for the user (the backend says their subscription changed). */
  forget(discordId: string): void {
    this.cache.delete(discordId);
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(id);
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
  }
}
