import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useHarness, type Harness } from './support/e2e-harness';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Words of PromQL that are not metric names. */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring']);

/**
 * The metric names a PromQL expression reads: what is left once strings, label matchers, ranges, grouping
 * clauses, durations (`offset 5m`), function names and keywords are taken out. Grafana's `$variables` only appear inside matchers and
 * ranges here, so they go with them.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*/g)) {
    const rest = bare.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(rest) || PROMQL_WORDS.has(match[0])) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The alerts of deploy/prometheus/alerts.yml: name, expression (one line each, see the file) and annotations. */
function alertRules(): { alert: string; expr: string; annotations: Record<string, string> }[] {
  const rules: { alert: string; expr: string; annotations: Record<string, string> }[] = [];
  let inAnnotations = false;
  for (const line of read('deploy/prometheus/alerts.yml').split('\n')) {
    const alert = /^\s+- alert: (\S+)$/.exec(line);
    if (alert) {
      rules.push({ alert: alert[1], expr: '', annotations: {} });
      inAnnotations = false;
      continue;
    }
    const current = rules[rules.length - 1];
    if (!current) continue;
    const expr = /^\s+expr: (.+)$/.exec(line);
    if (expr) current.expr = expr[1];
    if (/^\s+annotations:$/.test(line)) inAnnotations = true;
    else if (/^\s+(?:labels|for|expr):/.test(line)) inAnnotations = false;
    const annotation = /^\s{10}(\w+): (.+)$/.exec(line);
    if (inAnnotations && annotation) current.annotations[annotation[1]] = annotation[2];
  }
  return rules;
}

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

function dashboard(): { panels: Panel[]; templating: { list: { type: string; query?: unknown }[] } } {
  return JSON.parse(read('deploy/grafana/moddy-bot.json')) as ReturnType<typeof dashboard>;
}

/** Every query of the dashboard: panel targets, and the metric of each `label_values(metric, label)` variable. */
function dashboardQueries(): { where: string; names: string[] }[] {
  const board = dashboard();
  const panels = board.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
  const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, names: metricNames(t.expr) })));
  for (const variable of board.templating.list.filter((v) => v.type === 'query')) {
    const query = JSON.stringify(variable.query);
    const metric = /label_values\((\w+),/.exec(query);
    queries.push({ where: `variable ${query}`, names: metric ? [metric[1]] : [] });
  }
  return queries;
}

/** Metric families in Prometheus text, by name, with their type. */
function exportedFamilies(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1], match[2]);
  return families;
}

/** Whether `name` is a series of an exported family: the family itself, or a histogram's or summary's parts. */
function isExported(name: string, families: Map<string, string>): boolean {
  if (families.has(name)) return true;
  const part = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!part) return false;
  const type = families.get(part[1]);
  return type === 'histogram' || (type === 'summary' && part[2] !== 'bucket');
}

describe('PromQL metric names', () => {
  it('should find the metrics of an expression, and no function, label, keyword or variable', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, command) (rate(moddy_command_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))',
      ),
    ).toEqual(['moddy_command_duration_seconds_bucket']);
    expect(metricNames('max(a_total offset 5m) > 600 and on (job) b unless c{x="y or z"}')).toEqual([
      'a_total',
      'b',
      'c',
    ]);
  });
});

describe('alert rules and dashboard against the running service', () => {
  let h: Harness;
  let families: Map<string, string>;
  useHarness((harness) => (h = harness));

  beforeAll(async () => {
    const res = await fetch(`${h.url}/metrics`);
    expect(res.status).toBe(200);
    families = exportedFamilies(await res.text());
  });

  it('should read only metrics the service exports in every alert', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert)).toEqual([
      'ModdyNotificationsDead',
      'ModdyDeliveryQueueStuck',
      'ModdyRoleQueueStuck',
      'ModdyGatewayNotReady',
      'ModdyBackendErrors',
      'ModdyRoleSweepHeld',
      'ModdyDiscordRateLimited',
      'ModdyDiscordInvalidRequests',
      'ModdyStorageUnavailable',
      'ModdyRoleRefused',
    ]);
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect({ alert: rule.alert, names: names.length > 0 }).toEqual({ alert: rule.alert, names: true });
      expect({ alert: rule.alert, missing: names.filter((n) => !isExported(n, families)) }).toEqual({
        alert: rule.alert,
        missing: [],
      });
    }
  });

  it('should read only metrics the service exports in every dashboard query', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    for (const query of queries) {
      expect({ where: query.where, names: query.names.length > 0 }).toEqual({ where: query.where, names: true });
      expect({ where: query.where, missing: query.names.filter((n) => !isExported(n, families)) }).toEqual({
        where: query.where,
        missing: [],
      });
    }
  });

  it('should chart commands, latencies, both queues, deliveries and the gateway', () => {
    const charted = new Set(dashboardQueries().flatMap((q) => q.names));
    for (const name of [
      'moddy_commands_total',
      'moddy_command_duration_seconds_bucket',
      'moddy_backend_request_duration_seconds_bucket',
      'moddy_http_request_duration_seconds_bucket',
      'moddy_queue_depth',
      'moddy_queue_oldest_age_seconds',
      'moddy_role_queue_depth',
      'moddy_role_queue_oldest_age_seconds',
      'moddy_notifications_total',
      'moddy_discord_gateway_ping_milliseconds',
      'moddy_discord_gateway_ready',
      'moddy_role_sweep_held_removals',
    ]) {
      expect({ name, charted: charted.has(name) }).toEqual({ name, charted: true });
    }
  });

  it('should list every moddy_ metric the service exports in the metrics table of docs/operations.md', () => {
    const operations = read('docs/operations.md');
    const undocumented = [...families.keys()]
      .filter((name) => name.startsWith('moddy_'))
      .filter((name) => !operations.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });
});

describe('alert annotations', () => {
  it('should give every alert a summary and a runbook section that exists', () => {
    const runbook = read('docs/runbook.md');
    const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/\W/g, '')));
    for (const rule of alertRules()) {
      expect({ alert: rule.alert, summary: Boolean(rule.annotations.summary) }).toEqual({
        alert: rule.alert,
        summary: true,
      });
      expect({ alert: rule.alert, runbook: rule.annotations.runbook }).toEqual({
        alert: rule.alert,
        runbook: `docs/runbook.md#${rule.alert.toLowerCase()}`,
      });
      expect({ alert: rule.alert, section: anchors.has(rule.alert.toLowerCase()) }).toEqual({
        alert: rule.alert,
        section: true,
      });
    }
  });
});
