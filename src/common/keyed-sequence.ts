/**
 * Runs the tasks given for one key one after another, in the order they were given (a task starts when the
 * previous one for its key has settled, whether it succeeded or not); tasks for other keys run freely. Keys
 * with nothing running are forgotten, so the map holds only the keys at work.
 */
export class KeyedSequence {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }
}
