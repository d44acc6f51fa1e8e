import { Injectable } from '@nestjs/common';
import { BackendHttpService, NO_RETRY } from '../backend/backend-http.service';
import { InternalHealthResponse } from './dto/internal-health.response';

/** A probe must answer quickly even when the backend does not. */
const PROBE_TIMEOUT_MS = 1500;

/** `GET /internal/health` of the backend. Not retried: a probe wants the answer of now. */
@Injectable()
export class BackendHealthClient {
  constructor(private readonly http: BackendHttpService) {}

  check(): Promise<InternalHealthResponse> {
    return this.http.get('/internal/health', InternalHealthResponse, { retry: NO_RETRY, timeoutMs: PROBE_TIMEOUT_MS });
  }
}
