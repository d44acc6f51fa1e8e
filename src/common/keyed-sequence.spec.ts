import fc from 'fast-check';
import { KeyedSequence } from './keyed-sequence';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('KeyedSequence', () => {
  it('should run the tasks of one key in the order given, whatever each takes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(15)), { maxLength: 20 }),
        async (tasks) => {
          const sequence = new KeyedSequence();
          const started: [string, number][] = [];
          await Promise.all(
            tasks.map(([key, ms], i) =>
              sequence.run(key, () => {
                started.push([key, i]);
                return after(ms, i);
              }),
            ),
          );
          for (const key of ['a', 'b', 'c']) {
            const order = started.filter(([k]) => k === key).map(([, i]) => i);
            expect(order).toEqual([...order].sort((x, y) => x - y));
          }
          expect(sequence.size).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('should let other keys run meanwhile', async () => {
    const sequence = new KeyedSequence();
    let release!: () => void;
    const slow = sequence.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(sequence.run('b', () => after(0, 'b'))).resolves.toBe('b');
    release();
    await slow;
  });

  it('should go on with the next task after one fails, and hand each caller its own outcome', async () => {
    const sequence = new KeyedSequence();
    const failed = sequence.run('a', () => Promise.reject(new Error('boom')));
    const next = sequence.run('a', () => after(0, 'next'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
