import { SNOWFLAKE } from '../common/validation/snowflake';
import { PlanRoles } from './plan-roles';
import {
  ConfigError,
  validateEnvironment,
  type EnvironmentVariables,
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
    shards: ShardPlan;
  };
  readonly internalApi!: {
    secret: string;
    requireSignature: boolean;
    /** The key of the request signatures (contract 1.2): never sent on the wire, unlike `secret`. */
    signingSecret?: string;
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
    /** Whom a sweep checks: every member of MODDY_GUILD_ID, or plan-role holders and members the store knows. */
    scope: 'all' | 'holders';
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

/**
 * Which gateway shards this process runs. `auto`: as many as GET /gateway/bot recommends, all here.
 * Otherwise `ids` of `count` (all of them, or this replica's share when replicas split the shards).
 */
export type ShardPlan = { mode: 'auto' } | { mode: 'fixed'; count: number; ids: number[] };

/** Expands `0,2-4` into [0, 2, 3, 4]; undefined when a range runs backwards. */
function parseShardIds(raw: string): number[] | undefined {
  const ids: number[] = [];
  for (const part of raw.split(',')) {
    const [from, to = from] = part.split('-').map((x) => Number(x.trim()));
    if (to < from) return undefined;
    for (let id = from; id <= to; id++) ids.push(id);
  }
  return ids;
}

function shardPlan(
  e: {
    DISCORD_SHARDS: string;
    DISCORD_SHARD_COUNT?: number;
    DISCORD_SHARD_IDS?: string;
  },
  shardsSet: boolean,
): ShardPlan {
  const count = e.DISCORD_SHARD_COUNT;
  const rawIds = e.DISCORD_SHARD_IDS;
  if (count === undefined && rawIds === undefined) {
    if (e.DISCORD_SHARDS === 'auto') return { mode: 'auto' };
    const n = Number(e.DISCORD_SHARDS);
    return { mode: 'fixed', count: n, ids: Array.from({ length: n }, (_, i) => i) };
  }
  const problems: string[] = [];
  if (shardsSet) {
    problems.push(
      'DISCORD_SHARDS cannot be combined with DISCORD_SHARD_COUNT and DISCORD_SHARD_IDS: set DISCORD_SHARDS for all shards in one process, or the other two to split them across replicas',
    );
  }
  if (count === undefined) problems.push("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the bot's total shard count)");
  if (rawIds === undefined) {
    problems.push('DISCORD_SHARD_COUNT needs DISCORD_SHARD_IDS (the shards this replica runs, such as 0,1)');
  }
  const ids = rawIds === undefined ? [] : parseShardIds(rawIds);
  if (ids === undefined) problems.push(`DISCORD_SHARD_IDS has a range that runs backwards (got "${rawIds}")`);
  else if (count !== undefined) {
    const outside = ids.filter((id) => id >= count);
    if (outside.length > 0) {
      problems.push(`DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT (${count}); got ${outside.join(', ')}`);
    }
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (repeated.length > 0) problems.push(`DISCORD_SHARD_IDS names shard ${repeated[0]} more than once`);
  }
  if (problems.length > 0 || count === undefined || ids === undefined) throw new ConfigError(problems);
  return { mode: 'fixed', count, ids: [...ids].sort((a, b) => a - b) };
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

/**
 * A signature protects something only when its key never travels on the wire: every request carries
 * INTERNAL_API_SECRET, so anyone who sees one could sign any body with it.
 */
function signingProblems(e: EnvironmentVariables): string[] {
  if (e.INTERNAL_API_SIGNING_SECRET !== undefined && e.INTERNAL_API_SIGNING_SECRET === e.INTERNAL_API_SECRET) {
    return ['INTERNAL_API_SIGNING_SECRET must differ from INTERNAL_API_SECRET (which every request carries)'];
  }
  if (e.INTERNAL_API_REQUIRE_SIGNATURE && e.INTERNAL_API_SIGNING_SECRET === undefined) {
    return [
      'INTERNAL_API_SIGNING_SECRET is required when INTERNAL_API_REQUIRE_SIGNATURE=true (signatures made with ' +
        'INTERNAL_API_SECRET, which every request carries, protect nothing)',
    ];
  }
  return [];
}

/** @everyone's id is the guild's: no one can be given it or have it taken away, so naming it is a mistake. */
function everyoneProblems(e: EnvironmentVariables, planRoles: PlanRoles): string[] {
  const guild = e.MODDY_GUILD_ID;
  if (!guild) return [];
  const problems: string[] = [];
  if (splitList(e.MANAGED_ROLE_IDS).includes(guild)) {
    problems.push('MANAGED_ROLE_IDS names @everyone (the id of MODDY_GUILD_ID): no one can be given it or lose it');
  }
  if (planRoles.allRoles.includes(guild)) {
    problems.push('PLAN_ROLES names @everyone (the id of MODDY_GUILD_ID): no one can be given it or lose it');
  }
  return problems;
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
  const shards = e ? collect(() => shardPlan(e, (env.DISCORD_SHARDS ?? '').trim() !== '')) : undefined;
  if (e) problems.push(...signingProblems(e));
  if (e && planRoles) problems.push(...everyoneProblems(e, planRoles));
  if (!e || !planRoles || !shards || problems.length > 0) throw new ConfigError(problems);
  return new AppConfig({
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL?.replace(/\/+$/, ''),
      devGuildIds: splitList(e.DISCORD_DEV_GUILD_IDS),
      globalRateLimit: e.DISCORD_GLOBAL_RATE_LIMIT,
      shards,
    },
    internalApi: {
      secret: e.INTERNAL_API_SECRET,
      requireSignature: e.INTERNAL_API_REQUIRE_SIGNATURE,
      signingSecret: e.INTERNAL_API_SIGNING_SECRET,
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
      scope: e.ROLE_SYNC_SCOPE,
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
