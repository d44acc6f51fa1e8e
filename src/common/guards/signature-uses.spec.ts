import { describeEachDatabase } from '../../../test/support/databases';
import { SignatureUses } from './signature-uses';

describeEachDatabase('SignatureUses on $name', (database) => {
  afterAll(() => database.cleanup());

  it('should accept a signature once, across replicas on one database, until it is purged', async () => {
    const db = await database.create();
    const [replicaA, replicaB] = [new SignatureUses(db), new SignatureUses(db)];
    expect(await replicaA.firstUse('ab12', 1_000)).toBe(true);
    expect(await replicaB.firstUse('ab12', 1_000)).toBe(false);
    expect(await replicaB.firstUse('cd34', 5_000)).toBe(true);
    await replicaA.purgeExpired(2_000);
    const left = await db.db.selectFrom('signature_uses').select('signature').execute();
    expect(left).toEqual([{ signature: 'cd34' }]);
  });
});
