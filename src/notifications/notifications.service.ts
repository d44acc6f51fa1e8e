import { Injectable } from '@nestjs/common';
import { occurredAtMs } from '../common/validation/occurred-at.decorator';
import { answerOf } from '../dm/delivery-state';
import { MemberDms } from '../dm/member-dms.service';
import { withoutPersonalData } from '../dm/subscription-dm';
import { MemberProfiles } from '../members/member-profiles.service';
import type { NotifyUserRequest } from './dto/notify-user.request';
import type { NotifyUserResponse } from './dto/notify-user.response';

/** The metadata fields a DM may use; everything else (e-mail, phone, ...) is never stored nor sent. */
function usableMetadata(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const m = metadata ?? {};
  const picked: Record<string, unknown> = {};
  for (const key of ['amount', 'currency', 'subscription_type', 'current_period_end'] as const) {
    if (m[key] !== undefined) picked[key] = m[key];
  }
  if (typeof m.message === 'string') picked.message = withoutPersonalData(m.message);
  return picked;
}

/** The id the backend gave the event, when it gave one (metadata.subscription_id, invoice_id or event_id). */
function reference(metadata: Record<string, unknown> | null | undefined): string {
  for (const key of ['subscription_id', 'invoice_id', 'event_id']) {
    const value = metadata?.[key];
    if (typeof value === 'string' || typeof value === 'number') return `${key}=${value}`;
  }
  return '-';
}

/** `POST /internal/notify`: a subscription event, its premium state, and the member's DM. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly dms: MemberDms,
    private readonly profiles: MemberProfiles,
  ) {}

  /** Records the premium state, stores the DM, tries it within the budget. */
  async notifyUser(request: NotifyUserRequest): Promise<NotifyUserResponse> {
    const receivedAt = Date.now();
    const premium = await this.profiles.recordSubscriptionEvent(
      request.discord_id,
      request.action,
      request.plan,
      occurredAtMs(request.occurred_at),
    );
    const sent = await this.dms.send(
      {
        kind: 'subscription',
        discordId: request.discord_id,
        dedupKey: `${request.discord_id}|${request.action}|${reference(request.metadata)}`,
        payload: { action: request.action, plan: request.plan ?? null, metadata: usableMetadata(request.metadata) },
      },
      { receivedAt, profile: premium.dm },
    );
    const response = answerOf(sent);
    // The DM is about a real event and goes out; only the state it implied did not go backwards.
    return premium.stale ? { ...response, stale: true } : response;
  }
}
