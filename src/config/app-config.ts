import { PlanRoles } from './plan-roles';
import {
  ConfigError,
  SNOWFLAKE,
  validateEnvironment,
  type LOG_FORMATS,
  type LOG_LEVELS,
  type SUPPORTED_LOCALES,
} from './env.validation';

export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

export { FREE_PLAN } from './plan-roles';

/**
 * The validated, typed configuration. Built once at boot by loadConfig(); injected by class.
 * Values are already parsed (lists split, PLAN_ROLES decoded), so no caller re-reads the environment.
 */
export class AppConfig {
  readonly discord!: {
    token: string;
    apiUrl?: string;
    devGuildIds: string[];
    /** REST requests per second across the whole bot (Discord's global rate limit). */
    globalRateLimit: number;
  };
  readonly internalApi!: {
    secret: string;
    requireSignature: boolean;
    port: number;
    host: string;
  };
  readonly backend!: { url: string; timeoutMs: number };
  readonly guildId?: string;
  readonly premiumRoleId?: string;
  /** plan name -> role ids that plan grants. `free` is never present here (it grants nothing). */
  readonly planRoles!: PlanRoles;
  /** Roles besides the plan roles that the backend may add or remove by id (MANAGED_ROLE_IDS). */
  readonly managedRoleIds!: string[];
  readonly roleSync!: {
    /** Hours between two sweeps; 0: no scheduled sweep. */
    intervalHours: number;
    /** Backend reads per second a sweep may make. */
    backendRps: number;
    /** A sweep that would take plan roles from more members than this waits for a staff click. */
    maxRemovals: number;
  };
  readonly adminUserIds!: string[];
  readonly adminRoleIds!: string[];
  readonly auditChannelId?: string;
  readonly billingUrl?: string;
  readonly defaultLocale!: SupportedLocale;
  readonly dataDir!: string;
  readonly databaseUrl?: string;
  readonly logLevel!: LogLevel;
  /** `json` (one object per line, for platforms) or `pretty` (colored, for a terminal). */
  readonly logFormat!: LogFormat;
  /** Bearer token that GET /metrics requires; open when absent. A secret: never logged. */
  readonly metricsToken?: string;
  readonly version!: string;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }

  /** The roles the backend may manage by id: every plan role, and MANAGED_ROLE_IDS. */
  get manageableRoleIds(): Set<string> {
    return new Set([...this.planRoles.allRoles, ...this.managedRoleIds]);
  }
}

const splitList = (value?: string): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function parsePlanRoles(raw: string | undefined, premiumRoleId: string | undefined): PlanRoles {
  if (raw === undefined) {
    return new PlanRoles(premiumRoleId ? [['moddy_max', [premiumRoleId]]] : []);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(['PLAN_ROLES must be JSON such as {"moddy_max":["<role id>"]}']);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(['PLAN_ROLES must be a JSON object of plan name to a list of role ids']);
  }
  const entries: [string, string[]][] = [];
  for (const [plan, roles] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && SNOWFLAKE.test(r))) {
      throw new ConfigError([`PLAN_ROLES plan "${plan.slice(0, 64)}" must map to a list of Discord role ids`]);
    }
    entries.push([plan, roles as string[]]);
  }
  return new PlanRoles(entries);
}

/** Reads and validates the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>, version: string): AppConfig {
  const problems: string[] = [];
  const collect = <T>(step: () => T): T | undefined => {
    try {
      return step();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else throw error;
      return undefined;
    }
  };
  const e = collect(() => validateEnvironment(env));
  const planRoles = collect(() => parsePlanRoles(env.PLAN_ROLES?.trim() || undefined, e?.MODDY_PREMIUM_ROLE_ID));
  if (!e || !planRoles) throw new ConfigError(problems);
  return new AppConfig({
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL?.replace(/\/+$/, ''),
      devGuildIds: splitList(e.DISCORD_DEV_GUILD_IDS),
      globalRateLimit: e.DISCORD_GLOBAL_RATE_LIMIT,
    },
    internalApi: {
      secret: e.INTERNAL_API_SECRET,
      requireSignature: e.INTERNAL_API_REQUIRE_SIGNATURE,
      port: e.PORT ?? e.INTERNAL_PORT ?? 3000,
      host: e.HOST,
    },
    backend: { url: e.BACKEND_INTERNAL_URL.replace(/\/+$/, ''), timeoutMs: e.BACKEND_TIMEOUT_MS },
    guildId: e.MODDY_GUILD_ID,
    premiumRoleId: e.MODDY_PREMIUM_ROLE_ID,
    planRoles,
    managedRoleIds: splitList(e.MANAGED_ROLE_IDS),
    roleSync: {
      intervalHours: e.ROLE_SYNC_INTERVAL_HOURS,
      backendRps: e.ROLE_SYNC_BACKEND_RPS,
      maxRemovals: e.ROLE_SYNC_MAX_REMOVALS,
    },
    adminUserIds: splitList(e.ADMIN_USER_IDS),
    adminRoleIds: splitList(e.ADMIN_ROLE_IDS),
    auditChannelId: e.AUDIT_CHANNEL_ID,
    billingUrl: e.BILLING_URL,
    defaultLocale: e.DEFAULT_LOCALE,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metricsToken: e.METRICS_TOKEN,
    version,
  } as AppConfig);
}
