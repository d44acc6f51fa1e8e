// Discord snowflakes: (ms since 2015-01-01) << 22 | worker << 17 | process << 12 | increment.
export const DISCORD_EPOCH = 1420070400000n;

export function snowflakeAt(ms: number, increment = 0, worker = 1, proc = 0): string {
  const value =
    ((BigInt(ms) - DISCORD_EPOCH) << 22n) |
    (BigInt(worker & 31) << 17n) |
    (BigInt(proc & 31) << 12n) |
    BigInt(increment & 4095);
  return value.toString();
}

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Generates ids for things created at run time (messages, interactions, DM channels...). */
export class SnowflakeGenerator {
  private lastMs = 0;
  private inc = 0;

  constructor(private readonly worker = 2) {}

  next(): string {
    const now = Date.now();
    if (now === this.lastMs) {
      this.inc = (this.inc + 1) & 4095;
      if (this.inc === 0) this.lastMs += 1;
    } else if (now > this.lastMs) {
      this.lastMs = now;
      this.inc = 0;
    } else {
      this.inc = (this.inc + 1) & 4095;
      if (this.inc === 0) this.lastMs += 1;
    }
    return snowflakeAt(this.lastMs, this.inc, this.worker);
  }
}

/** Deterministic ids for the world fixture, so that ids are stable from run to run. */
export class FixedSnowflakes {
  private n = 0;

  constructor(private readonly baseMs: number) {}

  next(): string {
    const n = this.n++;
    // one "millisecond" step per 64 ids keeps them ordered and real-looking
    return snowflakeAt(this.baseMs + Math.floor(n / 64) * 997, n % 64, 1, 1);
  }
}
