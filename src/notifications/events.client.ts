import { Injectable } from '@nestjs/common';
import { BackendHttpService, READ_RETRY } from '../backend/backend-http.service';
import { EventNotifyResponse } from './dto/event-notify.response';

export type DiscordEventType = 'member_joined' | 'member_left' | 'role_updated' | 'command_used' | 'message_sent';

/** `POST /internal/event/notify`: analytics events from Discord. Safe to retry (the backend only records them). */
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
      { retry: READ_RETRY },
    );
  }
}
