/** What went wrong calling the website backend. */
export type BackendErrorKind =
  | 'timeout' // no answer within BACKEND_TIMEOUT_MS
  | 'network' // refused, reset, DNS not answering (Railway's private DNS lags at boot)
  | 'server' // 5xx
  | 'auth' // 401/403: the shared secret is wrong on one side
  | 'client' // other 4xx
  | 'invalid_response'; // 2xx with a body that does not match the contract

/**
 * The one error type of every backend client. `retryable` says whether sending the same request
 * again is safe and may help; it is never true for a call that moves money.
 */
export class BackendError extends Error {
  constructor(
    readonly kind: BackendErrorKind,
    readonly endpoint: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The backend's own `detail`, e.g. "Stripe error: ...", when it sent one. */
    readonly detail?: string,
  ) {
    super(`${endpoint}: ${message}`);
    this.name = 'BackendError';
  }
}
