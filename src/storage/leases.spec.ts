import { describeEachDatabase } from '../../test/support/databases';
import { Leases } from './leases';

describeEachDatabase('Leases on $name', (database) => {
  let leases: Leases;

  beforeEach(async () => {
    leases = new Leases(await database.create());
  });
  afterAll(() => database.cleanup());

  it('should give a lease to one owner at a time, whoever asks at once', async () => {
    const taken = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => leases.acquire('sweep', owner, 10_000)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('should let the holder renew, and another take it only once it ran out or was released', async () => {
    const now = Date.now();
    expect(await leases.acquire('sweep', 'a', 1000, now)).toBe(true);
    expect(await leases.acquire('sweep', 'a', 1000, now + 500)).toBe(true);
    expect(await leases.acquire('sweep', 'b', 1000, now + 1400)).toBe(false);
    expect(await leases.acquire('sweep', 'b', 1000, now + 1600)).toBe(true);
    await leases.release('sweep', 'a'); // not the holder any more: no effect
    expect(await leases.acquire('sweep', 'a', 1000, now + 1700)).toBe(false);
    await leases.release('sweep', 'b');
    expect(await leases.acquire('sweep', 'a', 1000, now + 1700)).toBe(true);
  });
});
