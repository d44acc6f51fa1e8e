import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useHarness, type Harness, type HarnessOptions } from './support/e2e-harness';
import { eventually } from './support/wait';

/** A file system of its own, 8 MiB, for the store: filled up on purpose. Mounting needs root (CI has it). */
function smallFileSystem(): { dir: string; unmount: () => void } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'moddy-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: (error as Error).message.split('\n')[0] };
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fs = smallFileSystem();
if ('skipped' in fs) process.stderr.write(`SKIPPED: the full-disk test (cannot mount a small tmpfs: ${fs.skipped})\n`);

/**
 * SQLite on a disk that fills up (issue 22): writes that fail for lack of space answer 503, never 500; readiness
 * says the store is down while it cannot write, and up again once space is back; nothing answered 200 is lost.
 */
('dir' in fs ? describe : describe.skip)('a full disk under SQLite (issue 22)', () => {
  let h: Harness;
  const options: HarnessOptions = { env: 'dir' in fs ? { DATA_DIR: join(fs.dir, 'data') } : {} };
  const filler = 'dir' in fs ? join(fs.dir, 'filler') : '';
  const ready = async () => (await fetch(`${h.url}/health/ready`)).status;
  /** The store's part of readiness: `up` or `down`. */
  const store = async () =>
    ((await (await fetch(`${h.url}/health/ready`)).json()) as { details: { store: { status: string } } }).details.store
      .status;

  useHarness((harness) => (h = harness), options);
  afterAll(() => {
    if ('dir' in fs) fs.unmount();
  });

  it('should answer 503 while the disk is full, say so in readiness, and recover when space is back', async () => {
    if (!('dir' in fs)) return;
    await eventually(ready, (status) => status === 200, 15000, 100);
    // Leave a few pages free: the next writes fill them and then fail.
    const { bavail, bsize } = statfsSync(fs.dir);
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 256 * 1024)));
    const answers: { user: string; event: string; status: number; body: unknown }[] = [];
    const users = ['alice', 'bob', 'dave', 'erin', 'frank'];
    for (let i = 0; i < 2000 && !answers.some((a) => a.status === 503); i++) {
      const user = users[i % users.length];
      const res = await h.call('/internal/notify', {
        discord_id: h.sim.userId(user),
        action: 'subscription_updated',
        plan: 'moddy_max',
        metadata: { event_id: `evt_disk_${i}`, message: 'x'.repeat(400) },
      });
      answers.push({ user, event: `evt_disk_${i}`, status: res.status, body: res.body });
    }
    expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    expect(answers.at(-1)).toMatchObject({ status: 503, body: { error: 'storage unavailable' } });
    await eventually(store, (status) => status === 'down', 15000, 250);

    rmSync(filler);
    await eventually(store, (status) => status === 'up', 15000, 250);
    expect(await ready()).toBe(200);
    // The backend sends again what got no 200 (same event): now stored and delivered, once.
    const notify = (user: string, event: string) =>
      h.call('/internal/notify', {
        discord_id: h.sim.userId(user),
        action: 'subscription_updated',
        plan: 'moddy_max',
        metadata: { event_id: event, message: 'x'.repeat(400) },
      });
    for (const a of answers.filter((x) => x.status !== 200)) expect((await notify(a.user, a.event)).status).toBe(200);
    expect((await notify('alice', 'evt_disk_after')).status).toBe(200);
    // One DM per event: none answered 200 was lost, none was sent twice.
    const total = async () =>
      (await Promise.all(users.map((u) => h.sim.dmsTo(u)))).reduce((n, list) => n + list.length, 0);
    await eventually(total, (count) => count >= answers.length + 1, 60000, 500);
    await h.sim.waitForIdle(20000);
    expect(await total()).toBe(answers.length + 1);
  }, 120000);
});
