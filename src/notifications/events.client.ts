import { Injectable } from '@nestjs/common';
import { BackendHttpService, NO_RETRY } from '../backend/backend-http.service';
import { EventNotifyResponse } from './dto/event-notify.response';

export type DiscordEventType = 'member_joined' | 'member_left' | 'role_updated' | 'command_used' | 'message_sent';

/**
 * `POST /internal/event/notify`: analytics events from Discord. One try per call: the durable queue that
 * sends them owns the retries (with backoff measured in minutes, not seconds).
 */
@Injectable()
export class EventsClient {
  constructor(private readonly http: BackendHttpService) {}

  notify(
    eventType: DiscordEventType,
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
