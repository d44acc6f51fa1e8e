import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * Lints each text as if it were the file at its path, in one ESLint process (jest's sandbox cannot load the
 * flat config, an ES module): the messages of the layer and table-owner rules, per case.
 */
function lint(cases: { file: string; code: string }[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint({ overrideConfigFile: '.eslint.config.mjs' });
    const cases = JSON.parse(process.argv[1]);
    const out = [];
    for (const c of cases) {
      const [result] = await eslint.lintText(c.code, { filePath: c.file });
      out.push(result.messages
        .filter((m) => m.ruleId === 'boundaries/dependencies' || m.ruleId === 'no-restricted-syntax')
        .map((m) => m.message));
    }
    const config = await eslint.calculateConfigForFile('src/support/member-history.ts');
    out.push(config.rules['no-restricted-syntax'].slice(1).map((r) => r.message));
    process.stdout.write(JSON.stringify(out));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

const QUERY = [
  "import type { DatabaseService } from '../storage/database.service';",
  'export const rows = (d: DatabaseService) =>',
  "  d.db.selectFrom('notifications as n').innerJoin('role_changes', 'role_changes.id', 'n.id').selectAll().execute();",
  '',
].join('\n');
const RAW = [
  "import { sql } from 'kysely';",
  "export const q = sql`select * from refund_audit where target_id = ${'1'}`;",
  "export const queue = { table: 'outbound_events' };",
  '',
].join('\n');
const ENGINE = [
  "import { RoleLedger } from '../role-truth';",
  "import { RoleConverger } from '../role-truth/role-converger';",
  'export const both = [RoleLedger, RoleConverger];',
  '',
].join('\n');
const UPWARD = "import { RolesController } from '../roles/roles.controller';\nexport const c = RolesController;\n";

const owned = (table: string, owner: string) =>
  `The ${table} table belongs to ${owner}: call its methods (docs/architecture.md: Layout).`;

/**
 * The structure the lint config keeps (docs/architecture.md: Layout): the layers, the role engine's one public surface, and
 * one owner per table. Each case lints a few lines as if they were a file of src/ and reads what is refused.
 */
describe('layers and table owners (lint)', () => {
  let results: string[][];
  beforeAll(() => {
    results = lint([
      { file: 'src/support/member-history.ts', code: QUERY },
      { file: 'src/dm/notifications.repository.ts', code: QUERY },
      { file: 'src/roles/premium.service.ts', code: RAW },
      { file: 'src/subscription/subscription.service.ts', code: ENGINE },
      { file: 'src/role-truth/role-ledger.ts', code: UPWARD },
    ]);
  }, 180_000);

  it('should refuse a query of a table outside its owner, and allow it in the owner', () => {
    expect(results[0]).toEqual([
      owned('notifications', 'src/dm/notifications.repository.ts'),
      owned('role_changes', 'src/role-truth/role-ledger.ts'),
    ]);
    expect(results[1]).toEqual([owned('role_changes', 'src/role-truth/role-ledger.ts')]);
    expect(results[2]).toEqual([
      owned('refund_audit', 'src/refunds/refunds.repository.ts'),
      owned('outbound_events', 'src/events/outbound-events.ts'),
    ]);
  });

  it('should give every table of storage/tables.ts an owner', () => {
    const tables = readFileSync(join(ROOT, 'src/storage/tables.ts'), 'utf8');
    const names = [.../export interface Tables \{([^}]*)\}/.exec(tables)![1].matchAll(/^\s*([a-z_]+):/gm)].map(
      (m) => m[1],
    );
    expect(names.length).toBeGreaterThan(10);
    const refused = new Set(results[5].map((message) => /^The (\w+) table/.exec(message)![1]));
    expect(names.filter((name) => !refused.has(name))).toEqual([]);
  });

  it('should let a feature reach the role engine through its index only, and the engine no feature', () => {
    expect(results[3]).toEqual([
      'feature subscription may not import role-truth: role-converger.ts (docs/architecture.md: Layout)',
    ]);
    expect(results[4]).toEqual([
      'role-truth may not import feature roles: roles.controller.ts (docs/architecture.md: Layout)',
    ]);
  });
});

/** The relative imports of each file of src/ (tests apart), type imports included, as paths from the root. */
function importGraph(): Map<string, string[]> {
  const files = (readdirSync(join(ROOT, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => join(ROOT, 'src', f));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']*)'/g)].flatMap((m) => {
      const base = resolve(dirname(file), m[1]);
      const found = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      return found ? [found] : [];
    });
    graph.set(file, targets);
  }
  return graph;
}

describe('file imports', () => {
  it('should have no cycle between the files of src/, type imports included', () => {
    const graph = importGraph();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(ROOT, f)).join(' -> '));
        } else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
