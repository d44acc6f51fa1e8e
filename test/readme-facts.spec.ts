import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_RETRY, READ_DEADLINE_MS, READ_RETRY } from '../src/backend/backend-http.service';
import { DM_BUDGET_MS, INLINE_ATTEMPTS_MAX } from '../src/dm/member-dms.service';
import { NOTIFICATION_QUEUE } from '../src/dm/notifications.repository';

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
  scripts: Record<string, string>;
};

/**
 * The text of the README and of the docs/ pages it links, with line breaks and indentation as single spaces, so
 * a sentence can be found whole wherever it moved.
 */
const prose = [
  readme,
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => read(join('docs', name))),
]
  .join(' ')
  .replace(/\s+/g, ' ');

/** The numbers a sentence of the README states, the pattern's groups in order. */
function stated(pattern: RegExp): number[] {
  const match = pattern.exec(prose);
  if (!match) throw new Error(`Neither the README nor docs/ states anything matching ${String(pattern)}`);
  return match.slice(1).map(Number);
}

describe('what the README states', () => {
  it('should give the backend read retries the code makes: tries, retries and the answer deadline', () => {
    const [tries, retries, seconds] = stated(/Reads are tried up to (\d+) times \((\d+) retries\).*?within (\d+) s/);
    expect(tries).toBe(READ_RETRY.attempts);
    expect(retries).toBe(READ_RETRY.attempts - 1);
    expect(seconds * 1000).toBe(READ_DEADLINE_MS);
    expect(prose).toContain('the refund call never retries');
    expect(NO_RETRY.attempts).toBe(1);
  });

  it("should give the notification queue's numbers: the first attempt's budget, tries before dead, inline limit", () => {
    const [budget] = stated(/what is left of ([\d.]+) s from the request's arrival/);
    expect(budget * 1000).toBe(DM_BUDGET_MS);
    const [tries] = stated(/declaring it `dead` \(logged\) after (\d+) tries/);
    expect(tries).toBe(NOTIFICATION_QUEUE.maxAttempts);
    const [inFlight] = stated(/more than (\d+) attempts in flight/);
    expect(inFlight).toBe(INLINE_ATTEMPTS_MAX);
  });

  it('should name the Node versions: .nvmrc for production, engines.node as it is, and the one in the range', () => {
    const nvmrc = read('.nvmrc').trim();
    expect(nvmrc).toMatch(/^\d+$/);
    expect(prose).toContain(`Production runs on **Node ${nvmrc}**`);
    expect(prose).toContain(`\`.nvmrc\` says \`${nvmrc}\``);
    expect(prose).toContain(`\`engines.node\` is \`${pkg.engines.node}\``);
    const majors = pkg.engines.node.split('||').map((range) => /^\s*\^(\d+)\.\d+\.\d+\s*$/.exec(range)?.[1]);
    expect(majors).not.toContain(undefined);
    expect(majors).toContain(nvmrc);
    expect(prose).toContain(`NestJS 11 on Fastify`);
    expect(prose).toContain(`jest. Node ${nvmrc}`);
  });

  it('should name the packages allowed and denied an install script, as package.json has them', () => {
    const allowed = Object.keys(pkg.allowScripts).filter((name) => pkg.allowScripts[name]);
    const denied = Object.keys(pkg.allowScripts).filter((name) => !pkg.allowScripts[name]);
    expect(allowed).toEqual(['better-sqlite3']);
    expect(prose).toContain(`building better-sqlite3 (its install script is the only one allowed`);
    const deniedSentence = /\(its install script is the only one allowed, in `allowScripts`; ([^)]*) are denied/.exec(
      prose,
    );
    expect(deniedSentence?.[1].split(/, | and /).sort()).toEqual(denied.map((name) => `${name}'s`).sort());
  });

  it('should give the test command that .ci/run runs', () => {
    expect(prose).toContain('| `npm ci && npm run check` |');
    expect(read('.ci/run')).toContain('npm ci && npm run check');
  });
});
