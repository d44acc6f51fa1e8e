import { sql } from 'kysely';
import { pgSchemaDatabase } from '../../test/support/databases';
import { DatabaseService } from './database.service';

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('DatabaseService on postgres', () => {
  const made: { service: DatabaseService; drop: () => Promise<void> }[] = [];
  const open = async () => {
    const { url, drop } = await pgSchemaDatabase();
    const service = new DatabaseService({ databaseUrl: url, dataDir: '' });
    made.push({ service, drop });
    return service;
  };
  afterAll(async () => {
    for (const { service, drop } of made.splice(0)) {
      await service.onApplicationShutdown();
      await drop();
    }
  });

  it("should migrate its own schema though another schema of the server holds Kysely's tables", async () => {
    const other = await open();
    await other.migrate();
    const ours = await open();
    await ours.migrate();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from role_changes`.execute(ours.db);
    expect(rows).toEqual([{ n: 0 }]);
    await ours.migrate(); // and again, as at the next boot: nothing to do
  });
});
