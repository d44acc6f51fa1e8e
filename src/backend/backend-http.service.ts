import { HttpService } from '@nestjs/axios';
import { Injectable, Logger } from '@nestjs/common';
import { isAxiosError, type AxiosResponse } from 'axios';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { firstValueFrom } from 'rxjs';
import { AppConfig } from '../config/app-config';
import { Metrics } from '../observability/metrics.service';
import { BackendError } from './backend.errors';

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Reads: 3 tries with exponential backoff and full jitter, enough to ride out DNS lag after a deploy. */
export const READ_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 300, maxDelayMs: 2000 };
/**
 * Reads made while a Discord user waits: retries included, the answer comes within this budget, so the
 * user hears "try again" within 10 s of the command even when the backend hangs.
 */
export const READ_DEADLINE_MS = 8000;
/** Calls that must never repeat by themselves (refunds). */
export const NO_RETRY: RetryPolicy = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

export interface CallOptions {
  retry: RetryPolicy;
  headers?: Record<string, string>;
  /** Overrides BACKEND_TIMEOUT_MS for each try. */
  timeoutMs?: number;
  /** The whole call, retries and waits included, ends within this many ms (someone awaits an answer). */
  deadlineMs?: number;
}

/** A try with less time than this left before the deadline is not started. */
const MIN_TRY_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one wrapped HTTP client for the website backend (base URL, bearer secret, User-Agent and timeout
 * are set once on the HttpModule). Maps every failure to a BackendError and validates every answer
 * against its DTO, so callers never see an unexpected shape.
 */
@Injectable()
export class BackendHttpService {
  private readonly logger = new Logger(BackendHttpService.name);

  private readonly defaultTimeoutMs: number;

  constructor(
    private readonly http: HttpService,
    config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.defaultTimeoutMs = config.backend.timeoutMs;
  }

  get<T extends object>(path: string, type: ClassConstructor<T>, options: CallOptions): Promise<T> {
    return this.call('GET', path, undefined, type, options);
  }

  post<T extends object>(path: string, body: unknown, type: ClassConstructor<T>, options: CallOptions): Promise<T> {
    return this.call('POST', path, body, type, options);
  }

  private async call<T extends object>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    type: ClassConstructor<T>,
    options: CallOptions,
  ): Promise<T> {
    const deadline = options.deadlineMs === undefined ? Infinity : Date.now() + options.deadlineMs;
    for (let attempt = 1; ; attempt++) {
      const left = deadline - Date.now();
      const timeout = Math.min(options.timeoutMs ?? this.defaultTimeoutMs, left);
      const started = performance.now();
      try {
        const response = await firstValueFrom(
          this.http.request<unknown>({ method, url: path, data: body, headers: options.headers, timeout }),
        );
        this.metrics.backendCall(path, response.status, (performance.now() - started) / 1000);
        return await this.parse(path, response, type);
      } catch (raw) {
        const error = raw instanceof BackendError ? raw : this.toBackendError(path, raw);
        // A contract mismatch was already counted with its 2xx status; a failed exchange is counted here.
        if (!(raw instanceof BackendError)) {
          this.metrics.backendCall(path, error.status ?? error.kind, (performance.now() - started) / 1000);
        }
        if (error.kind === 'auth') {
          this.logger.error(
            `Backend refused our credentials on ${path} (HTTP ${error.status}): INTERNAL_API_SECRET differs between bot and backend`,
          );
        }
        const ceiling = Math.min(options.retry.maxDelayMs, options.retry.baseDelayMs * 2 ** (attempt - 1));
        const delay = Math.round(Math.random() * ceiling);
        const timeLeft = deadline - Date.now() - delay >= MIN_TRY_MS;
        if (!error.retryable || attempt >= options.retry.attempts || !timeLeft) throw error;
        this.logger.warn(
          `${path} failed (${error.kind}), retry ${attempt}/${options.retry.attempts - 1} in ${delay} ms`,
        );
        await sleep(delay);
      }
    }
  }

  private async parse<T extends object>(path: string, response: AxiosResponse<unknown>, type: ClassConstructor<T>) {
    const data = response.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new BackendError('invalid_response', path, 'answer is not a JSON object', false, response.status);
    }
    const instance = plainToInstance(type, data);
    const errors = await validate(instance, { forbidUnknownValues: true });
    if (errors.length > 0) {
      const fields = errors.map((e) => e.property).join(', ');
      throw new BackendError(
        'invalid_response',
        path,
        `answer does not match the contract (${fields})`,
        false,
        response.status,
      );
    }
    return instance;
  }

  private toBackendError(path: string, raw: unknown): BackendError {
    if (!isAxiosError(raw)) {
      return new BackendError('network', path, raw instanceof Error ? raw.message : String(raw), true);
    }
    const status = raw.response?.status;
    if (status === undefined) {
      const timedOut = raw.code === 'ECONNABORTED' || raw.code === 'ETIMEDOUT' || raw.code === 'ERR_CANCELED';
      return timedOut
        ? new BackendError('timeout', path, 'timed out', true)
        : new BackendError('network', path, raw.code ?? raw.message, true);
    }
    const payload = raw.response?.data as { detail?: unknown; error?: unknown } | undefined;
    const detail =
      typeof payload?.detail === 'string'
        ? payload.detail
        : typeof payload?.error === 'string'
          ? payload.error
          : undefined;
    if (status === 401 || status === 403)
      return new BackendError('auth', path, `HTTP ${status}`, false, status, detail);
    if (status >= 500) return new BackendError('server', path, `HTTP ${status}`, true, status, detail);
    return new BackendError('client', path, `HTTP ${status}`, false, status, detail);
  }
}
