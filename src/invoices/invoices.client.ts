import { Injectable } from '@nestjs/common';
import { BackendHttpService, READ_DEADLINE_MS, READ_RETRY } from '../backend/backend-http.service';
import { InvoicesResponse } from './dto/invoices.response';

/** `POST /internal/subscription/invoices`: newest first, at most 100. */
@Injectable()
export class InvoicesClient {
  constructor(private readonly http: BackendHttpService) {}

  list(discordId: string, limit: number): Promise<InvoicesResponse> {
    return this.http.post('/internal/subscription/invoices', { discord_id: discordId, limit }, InvoicesResponse, {
      retry: READ_RETRY,
      deadlineMs: READ_DEADLINE_MS,
    });
  }
}
