import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How an interaction ended, from the user's side. */
export type CommandOutcome =
  | 'ok'
  | 'user_error' // the user was told why (bad input, nothing to show)
  | 'denied' // not staff
  | 'backend_error' // the website backend failed or refused us
  | 'discord_error' // Discord refused our answer (e.g. the interaction expired)
  | 'error';

/** What became of one notification to a member. */
export type NotificationOutcome =
  | 'sent'
  | 'dm_closed'
  | 'unknown_user'
  | 'queued' // accepted, to be delivered later by the queue
  | 'failed'
  | 'dead' // the queue gave up after its last attempt
  | 'duplicate'; // already sent: de-duplicated

/** What a role sweep reports to the metrics. */
export interface RoleSweepFigures {
  trigger: string;
  checked: number;
  added: number;
  removed: number;
  heldBack: number;
  skipped: Record<string, number>;
  durationMs: number;
}

const SECONDS_FAST = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_SLOW = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics, in a registry of its own (so two apps in one process never mix).
 * Callers say what happened in the product's words; the metric names and labels stay here.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly commands = new Counter({
    name: 'moddy_commands_total',
    help: 'Slash commands and components handled, by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly commandDuration = new Histogram({
    name: 'moddy_command_duration_seconds',
    help: 'Time from receiving an interaction to the end of its handler',
    labelNames: ['command'] as const,
    buckets: SECONDS_SLOW,
    registers: [this.registry],
  });

  private readonly backendDuration = new Histogram({
    name: 'moddy_backend_request_duration_seconds',
    help: 'Website backend calls (each try), by endpoint and HTTP status or failure kind',
    labelNames: ['endpoint', 'status'] as const,
    buckets: SECONDS_SLOW,
    registers: [this.registry],
  });

  private readonly discordRestErrors = new Counter({
    name: 'moddy_discord_rest_errors_total',
    help: 'Discord REST answers with an error status, by status and Discord error code ("none" without one)',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });

  private readonly discordInvalidRequests = new Counter({
    name: 'moddy_discord_invalid_requests_total',
    help: 'Discord answers that count against its invalid-request budget (401, 403, 429 but shared-scope), by status and route',
    labelNames: ['status', 'route'] as const,
    registers: [this.registry],
  });

  private readonly notifications = new Counter({
    name: 'moddy_notifications_total',
    help: 'Member notifications, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly roleChanges = new Counter({
    name: 'moddy_role_changes_total',
    help: 'Role changes settled, by how they ended (applied, failed, superseded, stale, waiting_join, expired)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly sweeps = new Counter({
    name: 'moddy_role_sweeps_total',
    help: 'Role sweeps finished, by trigger (schedule, outage, staff) and outcome (done, held)',
    labelNames: ['trigger', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly sweepMembers = new Gauge({
    name: 'moddy_role_sweep_last_members',
    help: 'Members of the last role sweep, by result (checked, added, removed, held, skipped_<reason>)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  private readonly sweepDuration = new Gauge({
    name: 'moddy_role_sweep_last_duration_seconds',
    help: 'How long the last role sweep took',
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: 'moddy_http_request_duration_seconds',
    help: 'Requests served on the internal port, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_FAST,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // A series that exists at 0 from the start: an alert on its increase sees the first dead notification too.
    this.notifications.inc({ outcome: 'dead' }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  command(command: string, outcome: CommandOutcome, seconds: number): void {
    this.commands.inc({ command, outcome });
    this.commandDuration.observe({ command }, seconds);
  }

  /** `status` is the HTTP status, or the failure kind when no answer came (timeout, network). */
  backendCall(endpoint: string, status: number | string, seconds: number): void {
    this.backendDuration.observe({ endpoint, status: String(status) }, seconds);
  }

  discordInvalidRequest(status: number, route: string): void {
    this.discordInvalidRequests.inc({ status: String(status), route });
  }

  discordRestError(status: number, code: number | undefined): void {
    this.discordRestErrors.inc({ status: String(status), code: code === undefined ? 'none' : String(code) });
  }

  /**
   * Once per notification answer (the request path: sent, dm_closed, unknown_user, queued, failed, duplicate)
   * and once per final state the queue worker reaches later (sent, dm_closed, unknown_user, failed, dead).
   */
  notificationOutcome(outcome: NotificationOutcome): void {
    this.notifications.inc({ outcome });
  }

  /** Once per role change as it settles (or starts waiting for the member to join). */
  roleChange(outcome: string): void {
    this.roleChanges.inc({ outcome });
  }

  /** Once per finished role sweep. */
  roleSweep(summary: RoleSweepFigures, outcome: 'done' | 'held'): void {
    this.sweeps.inc({ trigger: summary.trigger, outcome });
    this.sweepMembers.set({ result: 'checked' }, summary.checked);
    this.sweepMembers.set({ result: 'added' }, summary.added);
    this.sweepMembers.set({ result: 'removed' }, summary.removed);
    this.sweepMembers.set({ result: 'held' }, summary.heldBack);
    for (const [reason, count] of Object.entries(summary.skipped)) {
      this.sweepMembers.set({ result: `skipped_${reason}` }, count);
    }
    this.sweepDuration.set(summary.durationMs / 1000);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  /** A gauge read when Prometheus scrapes (so it costs nothing in between). */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }
}
