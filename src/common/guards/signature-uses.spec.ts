import { describeEachDatabase } from '../../../test/support/databases';
import { SignatureUses } from './signature-uses';

describeEachDatabase('SignatureUses on $name', (database) => {
  afterAll(() => database.cleanup());

  it('should accept a signature once, across replicas on one database, until it is purged', async () => {
    const db = await database.create();
    const [replicaA, replicaB] = [new SignatureUses(db), new SignatureUses(db)];
    expect(await replicaA.use('ab12', 1_000, null)).toBe('first');
    expect(await replicaB.use('ab12', 1_000, null)).toBe('replay');
    expect(await replicaB.use('cd34', 5_000, 'key-1')).toBe('first');
    // Only the key it first came with lets it through again (the idempotency store answers that one).
    expect(await replicaA.use('cd34', 5_000, 'key-1')).toBe('same_key');
    expect(await replicaA.use('cd34', 5_000, 'key-2')).toBe('replay');
    expect(await replicaA.use('cd34', 5_000, null)).toBe('replay');
    await replicaA.purgeExpired(2_000);
    const left = await db.db.selectFrom('signature_uses').select('signature').execute();
    expect(left).toEqual([{ signature: 'cd34' }]);
  });
});
