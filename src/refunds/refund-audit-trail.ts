import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { classifyDiscordError } from '../discord/discord-errors';
import { DiscordRestService } from '../discord/discord-rest.service';
import { RefundTiming } from './refund-timing';
import { RefundsRepository, type RefundAuditEntry } from './refunds.repository';
import { buildAuditMessage } from './refund-audit.view';
import type { DmStatus } from './refund-admin.view';

/** The audit post gets this much, so a notice (inbox DM budget included) stays within the backend's 10 s. */
const DISCORD_BUDGET_MS = 1500;
/** The longest wait between two tries of an audit write that keeps failing. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** An audit entry on its way to the table: its id and time are fixed once, so a retry writes the same row. */
interface AuditRecord {
  id: string;
  entry: RefundAuditEntry;
  createdAt: number;
  postedAt: number | null;
  attempts: number;
  timer?: NodeJS.Timeout;
}

/**
 * The refund audit trail: every entry is stored, then posted to AUDIT_CHANNEL_ID when set. A write that fails
 * (the store down for a moment) is retried with backoff until it is stored, never dropped: the refund or the
 * DM it records already happened. One still unstored at shutdown is written to the log in full.
 */
@Injectable()
export class RefundAuditTrail implements OnApplicationShutdown {
  private readonly logger = new Logger(RefundAuditTrail.name);
  private readonly unstored = new Map<string, AuditRecord>();

  constructor(
    private readonly repository: RefundsRepository,
    private readonly discord: DiscordRestService,
    private readonly config: AppConfig,
    private readonly timing: RefundTiming,
  ) {}

  /** Stores the entry and posts it. Never throws: whatever happens here, the refund is done. */
  async record(entry: RefundAuditEntry, dm?: DmStatus): Promise<void> {
    const record: AuditRecord = { id: randomUUID(), entry, createdAt: this.timing.now(), postedAt: null, attempts: 0 };
    await this.store(record);
    await this.post(record, dm);
  }

  /** Entries whose write has not succeeded yet. */
  get pending(): number {
    return this.unstored.size;
  }

  onApplicationShutdown(): void {
    for (const record of this.unstored.values()) {
      clearTimeout(record.timer);
      this.logger.error(`Refund audit entry ${record.id} was never stored: ${JSON.stringify(record)}`);
    }
    this.unstored.clear();
  }

  private async store(record: AuditRecord): Promise<void> {
    try {
      await this.repository.audit(record.entry, record.createdAt, record.id, record.postedAt);
      if (this.unstored.delete(record.id)) this.logger.log(`Refund audit entry ${record.id} stored at last`);
    } catch (error) {
      record.attempts++;
      const delay = Math.min(MAX_RETRY_DELAY_MS, this.timing.auditRetryBaseMs * 2 ** (record.attempts - 1));
      this.logger.error(
        `Could not store the audit entry ${record.id} of refund ${record.entry.refundId ?? record.entry.confirmationId} ` +
          `(${(error as Error).message}); retrying in ${delay} ms`,
      );
      record.timer = setTimeout(() => void this.store(record), delay);
      record.timer.unref();
      this.unstored.set(record.id, record);
    }
  }

  private async post(record: AuditRecord, dm?: DmStatus): Promise<void> {
    const channelId = this.config.auditChannelId;
    if (!channelId) return;
    try {
      await this.discord.sendMessage(channelId, buildAuditMessage(this.config.defaultLocale, record.entry, dm), {
        timeoutMs: DISCORD_BUDGET_MS,
      });
    } catch (error) {
      this.logger.warn(
        `Could not post the refund audit to channel ${channelId} (${classifyDiscordError(error)}); it is stored`,
      );
      return;
    }
    const postedAt = this.timing.now();
    // Not stored yet: the retry writes it as posted.
    if (this.unstored.has(record.id)) record.postedAt = postedAt;
    else await this.repository.markAuditPosted(record.id, postedAt).catch(() => (record.postedAt = postedAt));
  }
}
