import { Injectable } from '@nestjs/common';
import { BackendHttpService, READ_DEADLINE_MS, READ_RETRY } from './backend-http.service';
import { SubscriptionInfoResponse } from './dto/subscription-info.response';
import { UserInfoResponse } from './dto/user-info.response';

/** `POST /internal/subscription/info` and `POST /internal/user/info`. */
@Injectable()
export class SubscriptionClient {
  constructor(private readonly http: BackendHttpService) {}

  info(discordId: string): Promise<SubscriptionInfoResponse> {
    return this.http.post('/internal/subscription/info', { discord_id: discordId }, SubscriptionInfoResponse, {
      retry: READ_RETRY,
      deadlineMs: READ_DEADLINE_MS,
    });
  }

  user(discordId: string): Promise<UserInfoResponse> {
    return this.http.post('/internal/user/info', { discord_id: discordId }, UserInfoResponse, {
      retry: READ_RETRY,
      deadlineMs: READ_DEADLINE_MS,
    });
  }
}
