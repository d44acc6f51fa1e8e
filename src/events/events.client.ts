import { Injectable } from '@nestjs/common';
import { BackendHttpService, NO_RETRY } from '../backend/backend-http.service';
import type { OutboundEventType } from '../storage/tables';
import { EventNotifyResponse } from './event-notify.response';

/**
 * `POST /internal/event/notify`: analytics events from Discord. One try per call: the durable queue that
 * sends them owns the retries (with backoff measured in minutes, not seconds).
 */
@Injectable()
export class EventsClient {
  constructor(private readonly http: BackendHttpService) {}

  notify(
    eventType: OutboundEventType,
    discordId: string,
    metadata: Record<string, unknown> | null,
  ): Promise<EventNotifyResponse> {
    return this.http.post(
      '/internal/event/notify',
      { event_type: eventType, discord_id: discordId, metadata },
      EventNotifyResponse,
      { retry: NO_RETRY },
    );
  }
}
