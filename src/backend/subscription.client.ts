import { Injectable } from '@nestjs/common';
import { BackendHttpService, READ_DEADLINE_MS, READ_RETRY } from './backend-http.service';
import { BackendError } from './backend.errors';
import { EntitledMembersResponse } from './dto/entitled-members.response';
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

  /**
   * Contract 1.2, optional: one page of the members with an entitling subscription. Undefined when the backend
   * does not offer it (404 or 501, as a 1.0 or 1.1 backend answers).
   */
  async entitled(cursor: string | null, limit = 1000): Promise<EntitledMembersResponse | undefined> {
    try {
      return await this.http.post('/internal/subscription/entitled', { cursor, limit }, EntitledMembersResponse, {
        retry: READ_RETRY,
        deadlineMs: READ_DEADLINE_MS,
      });
    } catch (error) {
      if (error instanceof BackendError && (error.status === 404 || error.status === 501)) return undefined;
      throw error;
    }
  }

  user(discordId: string): Promise<UserInfoResponse> {
    return this.http.post('/internal/user/info', { discord_id: discordId }, UserInfoResponse, {
      retry: READ_RETRY,
      deadlineMs: READ_DEADLINE_MS,
    });
  }
}
