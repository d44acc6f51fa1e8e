import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeOnPostgres, pgSchemaDatabase } from '../../test/support/databases';
import { DatabaseService } from './database.service';

describeOnPostgres('DatabaseService migrations on PostgreSQL', () => {
  const url = process.env.TEST_DATABASE_URL ?? '';
  const admin = async (text: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ table_schema: string }>(text)).rows;
    } finally {
      await client.end();
    }
  };

  it("should migrate the search_path's schema while another schema of the database holds Kysely's tables", async () => {
    // Another service (or replica set) migrated first in a schema of its own, in the same database.
    const other = `t_${randomBytes(6).toString('hex')}`;
    const first = new DatabaseService({ dataDir: '', databaseUrl: url, schema: other });
    const target = await pgSchemaDatabase();
    try {
      await first.migrate();
      const second = new DatabaseService({ dataDir: '', databaseUrl: target.url });
      try {
        await second.migrate();
        await second.db.selectFrom('role_changes').select('state').execute();
      } finally {
        await second.onApplicationShutdown();
      }
      const schemas = (
        await admin(`select table_schema from information_schema.tables where table_name = 'kysely_migration_lock'`)
      ).map((r) => r.table_schema);
      expect(schemas).toEqual(
        expect.arrayContaining([other, new URL(target.url).searchParams.get('options')?.split('=')[1]]),
      );
    } finally {
      await first.onApplicationShutdown();
      await admin(`drop schema ${other} cascade`);
      await target.drop();
    }
  });
});
