import { Injectable } from '@nestjs/common';
import { BackendHttpService, NO_RETRY } from '../backend/backend-http.service';
import { RefundResponse } from './dto/refund.response';

export interface RefundRequest {
  discordId: string;
  /** Minor units; null refunds the last paid invoice in full. */
  amount: number | null;
  reason: string | null;
  /** Sent as `Idempotency-Key`; a 1.0 backend ignores it. */
  idempotencyKey: string;
}

/**
 * `POST /internal/subscription/refund`. The backend does not deduplicate refunds, so this call is
 * never retried: a timeout means "outcome unknown", never "try again".
 */
@Injectable()
export class RefundsClient {
  constructor(private readonly http: BackendHttpService) {}

  refund(request: RefundRequest): Promise<RefundResponse> {
    return this.http.post(
      '/internal/subscription/refund',
      { discord_id: request.discordId, amount: request.amount, reason: request.reason },
      RefundResponse,
      { retry: NO_RETRY, headers: { 'Idempotency-Key': request.idempotencyKey } },
    );
  }
}
