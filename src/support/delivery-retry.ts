import { Injectable } from '@nestjs/common';
import type { SupportedLocale } from '../config/app-config';
import { MemberDms } from '../dm/member-dms.service';
import { translate } from '../i18n/i18n';
import type { NotificationTable } from '../storage/tables';
import { DeskAudit } from './desk-audit';

/** A DM sent again by staff (from /admin member or /admin deliveries): through the same queue, audited. */
@Injectable()
export class DeliveryRetry {
  constructor(
    private readonly dms: MemberDms,
    private readonly audit: DeskAudit,
  ) {}

  /** The DM back in the queue (undefined when someone else did it, or it was delivered since) and the staff note. */
  async retry(
    id: string,
    staffId: string,
    locale: SupportedLocale,
  ): Promise<{ retried?: NotificationTable; note: string }> {
    const retried = await this.dms.retry(id);
    if (!retried) return { note: translate(locale, 'memberDesk.retryGone') };
    await this.audit.record('retry', staffId, retried.discord_id, `${retried.action} (${id})`);
    return { retried, note: translate(locale, 'memberDesk.retried', { action: retried.action }) };
  }
}
