import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { AppConfig, type SupportedLocale } from '../config/app-config';
import { classifyDiscordError, discordErrorCode } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { MemberProfiles, type DmProfile } from '../members/member-profiles.service';
import { DiscordRequestBudget } from '../observability/discord-request-budget';
import { Metrics } from '../observability/metrics.service';
import type { DurableQueue, FinalState, Job, NewJob } from '../storage/durable-queue';
import { QueueWorker, type DeliveryHandler, type DeliveryResult } from '../storage/queue-worker';
import type { NotificationTable } from '../storage/tables';
import { WORKER_ID } from '../storage/worker-id';
import { DeadNotificationAudit } from './dead-notification.audit';
import { metricOutcome, RETRYABLE_STATES, type DeliveryState, type DmSent } from './delivery-state';
import type { DmJobs } from './dm-kinds';
import { renderDm } from './dm-renderers';
import { Notifications } from './notifications.repository';

/**
 * How long the first DM attempt may take before the backend gets its answer (`queued: true` when it is
 * not done): the backend gives up after 10 s, and the contract promises an answer within 5 s.
 */
export const DM_BUDGET_MS = 3500;

/**
 * First attempts made on the request path at once. Past this, a notification goes straight to the worker:
 * with Discord's 50 requests/s, more attempts in flight could not finish within the budget anyway.
 */
export const INLINE_ATTEMPTS_MAX = 25;

/** A DM to send: its kind and payload, the member, and the key that makes it one DM whatever the retries. */
export type NewDm = NewJob<DmJobs> & { dedupKey: string };

type DmJob = Job<DmJobs, NotificationTable>;

/**
 * Every DM to a member, whatever it is about: stored in the billing inbox before any attempt (nothing is only
 * in memory), a first attempt within the answer budget, then the worker's retries with backoff. Each DM
 * carries its notification id as an enforced nonce, so a delivery repeated after a crash (between Discord's
 * answer and our record of it) is recognised by Discord and not posted twice.
 */
@Injectable()
export class MemberDms
  implements DeliveryHandler<DmJobs, NotificationTable>, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(MemberDms.name);
  readonly queue: DurableQueue<DmJobs, NotificationTable>;
  private readonly worker: QueueWorker<DmJobs, NotificationTable>;
  /** First attempts under way on the request path. */
  private inlineAttempts = 0;
  /** The member's language and DM channel for each DM the worker just claimed, read at once (see prepare). */
  private readonly claimed = new Map<string, DmProfile>();

  constructor(
    private readonly notifications: Notifications,
    private readonly discord: DiscordRestService,
    private readonly profiles: MemberProfiles,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly deadAudit: DeadNotificationAudit,
    budget: DiscordRequestBudget,
  ) {
    this.queue = notifications.queue;
    this.worker = new QueueWorker(
      this.queue,
      this,
      WORKER_ID,
      // Queued deliveries and retries wait while Discord's invalid-request budget is half spent.
      { concurrency: 16, pollMs: 500, attemptTimeoutMs: 8_000, paused: () => budget.paused() },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }

  /**
   * Stores a DM in the member's inbox and makes its first attempt within the answer budget (counted from
   * `receivedAt`). A DM handed over before under the same key is not sent again. A member whose DMs Discord
   * refused within the last 24 hours is not tried: the DM is stored as `dm_closed` at once. `profile`: the
   * member's language, DMs and channel, when the caller read them already (else read here, in one query).
   */
  async send(dm: NewDm, options: { receivedAt?: number; profile?: DmProfile } = {}): Promise<DmSent> {
    const receivedAt = options.receivedAt ?? Date.now();
    const profile = options.profile ?? (await this.profiles.dmProfileOf(dm.discordId));
    const closed = profile.dmClosedUntil !== null && profile.dmClosedUntil > Date.now();
    // Under a burst, an inline attempt would only wait behind Discord's rate limit: hand it to the worker.
    const inline = !closed && this.inlineAttempts < INLINE_ATTEMPTS_MAX;
    const stored = await this.queue.enqueue(dm, { claimFor: inline || closed ? WORKER_ID : null });
    if (stored.duplicate) {
      this.metrics.notificationOutcome('duplicate');
      const { state, lease_until } = stored.row;
      // Pending and leased: an attempt (inline or the worker's) holds it now.
      const inProgress = state === 'pending' && lease_until !== null && lease_until > Date.now();
      return { state, duplicate: true, inProgress };
    }
    let state: DeliveryState = 'pending';
    if (closed) state = await this.worker.settle(stored.row, { final: 'dm_closed', error: 'DMs closed (known)' });
    else if (inline) state = await this.firstAttempt(stored.row, receivedAt + DM_BUDGET_MS, profile);
    else this.worker.poke();
    this.metrics.notificationOutcome(metricOutcome(state));
    return { state, duplicate: false, inProgress: false };
  }

  /** Where the DM stored under a dedup key stands (`pending` while queued), if there is one. */
  async stateOf(dedupKey: string): Promise<DeliveryState | undefined> {
    return (await this.queue.find(dedupKey))?.state;
  }

  /**
   * Staff send a DM that was not delivered (dead, refused, DMs closed) again: the same row goes back to the
   * queue, so the same nonce and the same de-duplication apply. Only one of several concurrent retries wins
   * (the state is checked in the update); undefined when there was nothing to retry.
   */
  async retry(id: string, now = Date.now()): Promise<NotificationTable | undefined> {
    const row = await this.queue.requeue(id, RETRYABLE_STATES, now);
    if (row) this.worker.poke();
    return row;
  }

  /** The member's latest DMs, newest first (the billing inbox, /notifications). */
  recent(discordId: string, limit = 10): Promise<NotificationTable[]> {
    return this.notifications.recent(discordId, limit);
  }

  /** The DM a stored notification stands for, in `locale`; undefined for a kind this version does not know. */
  render(locale: SupportedLocale, row: NotificationTable): RESTPostAPIChannelMessageJSONBody | undefined {
    const job = this.queue.read(row);
    return renderDm(locale, job.kind, job.data, this.config.billingUrl);
  }

  /** Final outcomes of the worker's attempts (the request path counts its own; a retry is no outcome). */
  settled(row: NotificationTable, state: DeliveryState): void {
    if (state !== 'pending') this.metrics.notificationOutcome(metricOutcome(state));
    if (state === 'dead') this.deadAudit.record(row);
  }

  /** The members' languages and channels of a batch the worker claimed, in one query instead of one per DM. */
  async prepare(jobs: DmJob[]): Promise<void> {
    const profiles = await this.profiles.dmProfilesOf(jobs.map((job) => job.discord_id));
    for (const job of jobs) {
      const profile = profiles.get(job.discord_id);
      if (profile) this.claimed.set(job.id, profile);
    }
  }

  /**
   * One attempt: the DM in the member's language, through their known DM channel (one request), with the
   * notification id as its nonce. A channel Discord opened now is kept with the member.
   */
  async deliver(
    job: DmJob,
    signal: AbortSignal,
    known?: DmProfile,
  ): Promise<DeliveryResult<FinalState<NotificationTable>>> {
    const claimed = this.claimed.get(job.id);
    this.claimed.delete(job.id);
    const profile = known ?? claimed ?? (await this.profiles.dmProfileOf(job.discord_id));
    const message = renderDm(profile.locale, job.kind, job.data, this.config.billingUrl);
    if (!message) {
      this.logger.error(`Notification ${job.id} has a kind nobody renders (${job.kind})`);
      return { final: 'failed', error: `no renderer for ${job.kind}` };
    }
    try {
      const { channelId } = await this.discord.sendDm(
        job.discord_id,
        { ...message, nonce: job.id, enforce_nonce: true },
        { signal },
        profile.dmChannelId,
      );
      if (channelId !== profile.dmChannelId) {
        await this.profiles.rememberDmChannel(job.discord_id, channelId).catch((e: Error) => {
          this.logger.warn(`Could not keep the DM channel of ${job.discord_id}: ${e.message}`);
        });
      }
      return { final: 'sent' };
    } catch (error) {
      const kind = classifyDiscordError(error);
      const code = discordErrorCode(error);
      switch (kind) {
        case 'dm_closed':
          // Remembered for 24 hours (shared by replicas): each attempt would be one more 403 against the budget.
          await this.profiles.dmClosed(job.discord_id).catch((e: Error) => {
            this.logger.warn(`Could not remember that ${job.discord_id} closed their DMs: ${e.message}`);
          });
          return { final: 'dm_closed' };
        case 'unknown_user':
          return { final: 'unknown_user' };
        case 'transient':
          return { retry: `${kind} (${code ?? (error as Error).name})` };
        default:
          this.logger.error(`DM ${job.id} to ${job.discord_id} refused by Discord (${kind}, code ${code ?? 'none'})`);
          return { final: 'failed', error: `${kind} ${code ?? ''}`.trim() };
      }
    }
  }

  /**
   * The first attempt, bounded by the answer deadline. When the deadline passes the attempt is abandoned
   * and the item handed to the worker right away; the worker's later attempts carry the same nonce (Discord
   * keeps one message per nonce, so an abandoned request that still goes out posts nothing twice).
   */
  private async firstAttempt(row: NotificationTable, deadline: number, profile: DmProfile): Promise<DeliveryState> {
    const budget = new AbortController();
    const timer = setTimeout(() => budget.abort(), Math.max(0, deadline - Date.now()));
    this.inlineAttempts++;
    try {
      // discord.js does not give up a request waiting for its global limit when the signal aborts: the answer
      // stops waiting for it at the deadline all the same (a burst after a restart kept some answers 11 s).
      const attempt = this.deliver(this.queue.read(row), budget.signal, profile);
      const abandoned = new Promise<{ retry: string }>((resolve) =>
        budget.signal.addEventListener('abort', () => resolve({ retry: 'answer budget exceeded' }), { once: true }),
      );
      attempt.catch(() => undefined);
      const result = await Promise.race([attempt, abandoned]);
      if (budget.signal.aborted && 'retry' in result) {
        await this.worker.settle(row, { retry: 'answer budget exceeded' }, { immediately: true });
        this.worker.poke();
        return 'pending';
      }
      const state = await this.worker.settle(row, result);
      if (state === 'pending') this.worker.poke();
      return state;
    } finally {
      this.inlineAttempts--;
      clearTimeout(timer);
    }
  }
}
