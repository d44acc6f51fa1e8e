// `npm run bench`: builds the service, runs every scenario against the Discord simulator, prints one table
// and writes bench-results.json. Not part of `npm test`. `--only=api,commands,burst,roles,sweep,memory,start,shards,replicas` picks
// scenarios; `--quick` shortens them (for trying the bench itself, not for figures).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { apiOverhead, type ApiOverheadResult } from './api-overhead';
import { commandLatency, type CommandLatencyResult } from './command-latency';
import { memoryLarge, startTimes, type BootFigures, type StartResult } from './memory-start';
import { notifyBurst, type NotifyBurstResult } from './notify-burst';
import { build, ROOT } from './processes';
import {
  roleBurst,
  sweepBench,
  viewMemory,
  type RoleBurstResult,
  type SweepBenchResult,
  type ViewMemoryResult,
} from './roles';
import { replicasBench, type ReplicasResult } from './replicas';
import { shardedStart, type ShardedStartResult } from './shards';
import { round } from './stats';

const SCENARIOS = ['api', 'commands', 'burst', 'roles', 'sweep', 'memory', 'start', 'shards', 'replicas'] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Results {
  machine: {
    cpus: number;
    model: string;
    memoryGb: number;
    node: string;
    commit: string;
    loadBefore: number[];
    loadAfter?: number[];
  };
  quick: boolean;
  api?: ApiOverheadResult;
  commands?: CommandLatencyResult;
  burst?: NotifyBurstResult;
  burstAfterRestart?: NotifyBurstResult;
  memoryLarge?: BootFigures;
  viewMemory?: ViewMemoryResult;
  start?: StartResult;
  roles?: RoleBurstResult;
  sweep?: SweepBenchResult;
  sweepList?: SweepBenchResult;
  shards?: ShardedStartResult;
  /** null: skipped (no TEST_DATABASE_URL). */
  replicas?: ReplicasResult | null;
}

interface Row {
  figure: string;
  value: string;
  target: string;
  met: boolean | null;
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${commit} + uncommitted src/ changes` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function machine(): Results['machine'] {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return {
    cpus: availableParallelism(),
    model,
    memoryGb: round(totalmem() / 1024 ** 3),
    node: process.version,
    commit: gitCommit(),
    loadBefore: loadavg().map((l) => round(l, 2)),
  };
}

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const ms = (v: number) => `${round(v)} ms`;
  if (r.api) {
    const { health, notify, connections, durationS } = r.api;
    const load = `${connections} conn, ${durationS} s each`;
    out.push({
      figure: `1a. GET /internal/health throughput vs plain Fastify (${load})`,
      value: `${round(health.ratio, 2)} (${Math.round(health.service.requestsPerSecond)} vs ${Math.round(health.baseline.requestsPerSecond)} req/s; CPU ${Math.round(health.service.cpuPerRequestUs)} vs ${Math.round(health.baseline.cpuPerRequestUs)} µs/req)`,
      target: '≥ 0.7',
      met: health.ratio >= 0.7,
    });
    out.push({
      figure: '1b. GET /internal/health p99',
      value: `${ms(health.service.p99Ms)} (baseline ${ms(health.baseline.p99Ms)})`,
      target: '< 10 ms',
      met: health.service.p99Ms < 10,
    });
    out.push({
      figure: `1c. POST /internal/notify throughput vs plain Fastify (${load})`,
      value: `${round(notify.ratio, 2)} (${Math.round(notify.service.requestsPerSecond)} vs ${Math.round(notify.baseline.requestsPerSecond)} req/s; CPU ${Math.round(notify.service.cpuPerRequestUs)} vs ${Math.round(notify.baseline.cpuPerRequestUs)} µs/req)`,
      target: '≥ 0.7',
      met: notify.ratio >= 0.7,
    });
    out.push({
      figure: '1d. POST /internal/notify p99',
      value: `${ms(notify.service.p99Ms)} (baseline ${ms(notify.baseline.p99Ms)})`,
      target: '—',
      met: null,
    });
  }
  if (r.commands) {
    const c = r.commands;
    const what = `${c.interactions} × /subscription, ${c.perSecond}/s`;
    out.push({
      figure: `2a. dispatch → defer, p50 / p99 (${what})`,
      value: `${ms(c.toDeferMs.p50)} / ${ms(c.toDeferMs.p99)}${c.failed ? `, ${c.failed} failed` : ''}`,
      target: 'p99 ≤ 25 ms',
      met: c.toDeferMs.p99 <= 25 && c.failed === 0,
    });
    out.push({
      figure: '2b. dispatch → final reply, p50 / p99 (backend call included)',
      value: `${ms(c.toFinalMs.p50)} / ${ms(c.toFinalMs.p99)}`,
      target: '—',
      met: null,
    });
  }
  for (const [row, b] of [
    ['3', r.burst],
    ['3b', r.burstAfterRestart],
  ] as const) {
    if (!b) continue;
    const what = b.afterRestart ? ', each DMed once before a restart' : '';
    out.push({
      figure: `${row}. notify burst, ${b.users} users${what} at ${b.globalPerSecond} req/s global: time / floor (${b.floorS} s)`,
      value:
        `${b.ratio === null ? 'incomplete' : `${round(b.ratio, 2)} (${round(b.totalS ?? 0)} s)`}; ` +
        `${b.lost} lost, ${b.doubled} doubled; ${b.answeredWithin5s}/${b.users} answered ≤ 5 s (p99 ${ms(b.answerP99Ms)}), ${b.queuedAnswers} queued; ` +
        `${round(b.requestsPerNotification, 2)} requests per DM (+${b.rateLimited429} 429s)`,
      target: `${b.afterRestart ? '≤ 1.1' : '≤ 1.2'}, 0 lost, 0 doubled, every answer ≤ 5 s, ${b.afterRestart ? '1.0' : '2.0'} requests per DM`,
      // Requests per DM are judged as printed (2 decimals): a retry or two in 1,000 DMs is not a second request each.
      met:
        b.ratio !== null &&
        b.ratio <= (b.afterRestart ? 1.1 : 1.2) &&
        b.lost === 0 &&
        b.doubled === 0 &&
        b.answeredWithin5s === b.users &&
        round(b.requestsPerNotification, 2) <= (b.afterRestart ? 1.0 : 2.0),
    });
    if (b.commands) {
      const c = b.commands;
      out.push({
        figure: `2c. /subscription during row 3's burst (${c.count} at ${c.perSecond}/s): dispatch → final reply p50 / p99`,
        value: `${ms(c.toFinalP50Ms)} / ${ms(c.toFinalP99Ms)}${c.failed ? `, ${c.failed} failed` : ''}`,
        target: 'p99 ≤ 500 ms',
        met: c.toFinalP99Ms <= 500 && c.failed === 0,
      });
    }
  }
  if (r.roles) {
    const b = r.roles;
    out.push({
      figure: `6. role burst, ${b.members} members at 50 req/s global: time / floor (${b.floorS} s)`,
      value:
        `${b.ratio === null ? `incomplete (${b.wrong} wrong)` : `${round(b.ratio, 2)} (${round(b.totalS ?? 0)} s)`}; ` +
        `${b.answeredWithin5s}/${b.members} answered ≤ 5 s (p99 ${ms(b.answerP99Ms)}), ${b.queuedAnswers} queued; ` +
        `${round(b.requestsPerChange, 2)} requests per change (+${b.rateLimited429} 429s)`,
      target: '≤ 1.1, every answer ≤ 5 s, 1.0 request per change',
      met:
        b.ratio !== null && b.ratio <= 1.1 && b.answeredWithin5s === b.members && round(b.requestsPerChange, 2) <= 1.0,
    });
  }
  for (const [row, s] of [
    ['7a', r.sweep],
    ['7c', r.sweepList],
  ] as const) {
    if (!s) continue;
    out.push({
      figure:
        `${row}. full sweep of ${s.members} members (${s.toAdd} to add, ${s.toRemove} to remove, ${s.backendRps} backend reads/s` +
        `${s.list ? ", the backend's list" : ''}): time / floor (${round(s.floorS)} s)`,
      value:
        s.ratio === null
          ? 'incomplete'
          : `${round(s.ratio, 2)} (${round(s.durationS ?? 0)} s, ${s.added} added, ${s.removed} removed, ${s.backendReads} backend reads with the commands')`,
      target: '≤ 1.1',
      met: s.ratio !== null && s.ratio <= 1.1 && s.added === s.toAdd && s.removed === s.toRemove,
    });
    if (row === '7a') {
      out.push({
        figure: `7b. /subscription dispatch → defer p99 during the sweep (${s.commands} at 5/s)`,
        value: `${ms(s.deferP99Ms)}${s.failedCommands ? `, ${s.failedCommands} failed` : ''}`,
        target: '≤ 100 ms',
        met: s.deferP99Ms <= 100 && s.failedCommands === 0,
      });
    }
  }
  if (r.start) {
    out.push({
      figure: `4a. RSS after ready, 1 guild (median of ${r.start.runs})`,
      value: `${round(r.start.rssMb)} MB`,
      target: '≤ 150 MB',
      met: r.start.rssMb <= 150,
    });
  }
  if (r.memoryLarge) {
    const m = r.memoryLarge;
    out.push({
      figure: `4b. RSS after ready, ${m.guilds - 1} guilds × 200 members (+ the Moddy guild)`,
      value: `${round(m.rssMb)} MB (ready after ${round(m.toReadyMs / 1000, 2)} s)`,
      target: '≤ 250 MB',
      met: m.rssMb <= 250,
    });
  }
  if (r.viewMemory) {
    const v = r.viewMemory;
    out.push({
      figure: `4c. RSS with the Moddy guild at ${v.members} members, all in the gateway's view of roles`,
      value: `${round(v.rssMb)} MB (every member followed ${round(v.toFollowedMs / 1000, 2)} s after ready)`,
      target: '≤ 300 MB',
      met: v.rssMb <= 300,
    });
  }
  if (r.shards) {
    const s = r.shards;
    out.push({
      figure: `8a. ${s.guilds} guilds × 200 members, DISCORD_SHARDS=auto (${s.shards} shards, max_concurrency ${s.maxConcurrency}): first IDENTIFY → ready / Discord's pacing (${round(s.pacingFloorMs / 1000)} s)`,
      value:
        `${round(s.ratio, 2)} (${round(s.readyAfterFirstIdentifyMs / 1000, 2)} s; IDENTIFYs spread over ${round(s.identifySpanMs / 1000, 2)} s` +
        `${s.identifyRateLimited ? `, ${s.identifyRateLimited} refused as too fast` : ''})`,
      target: '≤ 1.1',
      met: s.ratio <= 1.1,
    });
    const overPacing = s.readyAfterFirstIdentifyMs / s.identifySpanMs;
    out.push({
      figure: `8b. same start: first IDENTIFY → ready / the pacing discord.js took (5 s + its random 0-1.5 s per turn)`,
      value: `${round(overPacing, 2)} (ready ${round((s.readyAfterFirstIdentifyMs - s.identifySpanMs) / 1000, 2)} s after the last IDENTIFY)`,
      target: '≤ 1.1',
      met: overPacing <= 1.1,
    });
    out.push({
      figure: `8c. RSS after ready, ${s.guilds} guilds on ${s.shards} shards`,
      value: `${round(s.rssMb)} MB`,
      target: '≤ 300 MB',
      met: s.rssMb <= 300,
    });
  }
  if (r.replicas === null) {
    out.push({
      figure: '9. two replicas on one PostgreSQL',
      value: 'skipped: no TEST_DATABASE_URL',
      target: '—',
      met: null,
    });
  } else if (r.replicas) {
    const { one, both, answerRatio, deliveryRatio, concurrency } = r.replicas;
    const faults = (p: typeof one) => (p.lost || p.doubled ? `, ${p.lost} lost, ${p.doubled} doubled` : '');
    out.push({
      figure: `9a. notify answers/s, two replicas vs one (${one.notifications} each, ${concurrency} in flight, one PostgreSQL)`,
      value: `${round(answerRatio, 2)} (${Math.round(both.answeredPerSecond)} vs ${Math.round(one.answeredPerSecond)}/s)`,
      target: '—',
      met: null,
    });
    out.push({
      figure: '9b. DMs delivered/s, two replicas vs one (simulator without rate limits)',
      value: `${round(deliveryRatio, 2)} (${Math.round(both.deliveredPerSecond)} vs ${Math.round(one.deliveredPerSecond)}/s${faults(one)}${faults(both)})`,
      target: '0 lost, 0 doubled',
      met: one.lost + one.doubled + both.lost + both.doubled === 0,
    });
  }
  if (r.start) {
    const s = r.start;
    out.push({
      figure: `5a. process start → listening (median / max of ${s.runs})`,
      value: `${ms(s.toListeningMs.median)} / ${ms(s.toListeningMs.max)}`,
      target: '< 1,500 ms',
      met: s.toListeningMs.max < 1500,
    });
    out.push({
      figure: '5b. process start → gateway ready (median / max)',
      value: `${ms(s.toReadyMs.median)} / ${ms(s.toReadyMs.max)}`,
      target: '—',
      met: null,
    });
  }
  return out;
}

function table(r: Results): string {
  const mark = (met: boolean | null) => (met === null ? '' : met ? '✅' : '❌ miss');
  const lines = ['| figure | measured | target | |', '| --- | --- | --- | --- |'];
  for (const row of rows(r)) lines.push(`| ${row.figure} | ${row.value} | ${row.target} | ${mark(row.met)} |`);
  const m = r.machine;
  lines.push(
    '',
    `Machine: ${m.cpus} CPUs (${m.model}), ${m.memoryGb} GB, Node ${m.node}; commit ${m.commit}; ` +
      `load average ${m.loadBefore.join(' ')} before, ${(m.loadAfter ?? []).join(' ')} after.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--only='));
  const chosen = new Set<Scenario>(only ? (only.slice('--only='.length).split(',') as Scenario[]) : [...SCENARIOS]);
  const results: Results = { machine: machine(), quick };
  const step = (text: string) => process.stderr.write(`[bench] ${text}\n`);

  step('building dist/ (npm run build)');
  build();
  if (chosen.has('start')) {
    step('5 + 4a: cold starts, one guild');
    results.start = await startTimes(quick ? 1 : 3);
  }
  if (chosen.has('memory')) {
    step('4b: 1,000 guilds of 200 members');
    results.memoryLarge = await memoryLarge();
    step('4c: the Moddy guild at 100,000 members');
    results.viewMemory = await viewMemory(quick ? 10_000 : 100_000);
  }
  if (chosen.has('api')) {
    step('1: internal API vs plain Fastify');
    results.api = await apiOverhead(quick ? 4 : 10);
  }
  if (chosen.has('commands')) {
    step('2: /subscription latency');
    results.commands = await commandLatency(quick ? 100 : 500, 25);
  }
  if (chosen.has('burst')) {
    step('3 + 2c: notify burst, /subscription meanwhile');
    results.burst = await notifyBurst(quick ? 200 : 1000, { commandsPerSecond: 5 });
    step('3b: notify burst after a restart');
    results.burstAfterRestart = await notifyBurst(quick ? 200 : 1000, { afterRestart: true });
  }
  if (chosen.has('roles')) {
    step('6: role burst');
    results.roles = await roleBurst(quick ? 200 : 1000);
  }
  if (chosen.has('sweep')) {
    step('7: role sweep with commands');
    results.sweep = await sweepBench(quick ? 1000 : 10_000, false);
    step("7c: role sweep with the backend's list");
    results.sweepList = await sweepBench(quick ? 1000 : 10_000, true);
  }
  if (chosen.has('shards')) {
    step('8: sharded start, DISCORD_SHARDS=auto');
    results.shards = await shardedStart(quick ? 2000 : 5000);
  }
  if (chosen.has('replicas')) {
    step('9: two replicas vs one, one PostgreSQL');
    results.replicas = (await replicasBench(quick ? 300 : 1000)) ?? null;
  }
  results.machine.loadAfter = loadavg().map((l) => round(l, 2));
  writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
