import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * The backend reads the role engine makes on its own (the sweep, the brake's re-check, joins): at most
 * ROLE_SYNC_BACKEND_RPS a second in this process, all sources together, first come first served, so that
 * members' commands and notifications keep the backend's attention.
 */
@Injectable()
export class BackendReadBudget {
  private nextAt = 0;
  private readonly intervalMs: number;

  constructor(config: AppConfig) {
    this.intervalMs = 1000 / config.roleSync.backendRps;
  }

  /** Waits for the next read's turn. */
  async take(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
