// A jest reporter (plain CommonJS: jest loads reporters without transforming them). Without TEST_DATABASE_URL
// the PostgreSQL tests are declared with describe.skip (test/support/databases.ts), so jest's summary counts
// them as skipped; this says which and why, in one plain line after the summary.
'use strict';

class SkippedPostgresReporter {
  onRunComplete(_contexts, results) {
    if (process.env.TEST_DATABASE_URL) return;
    let skipped = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'pending' && test.ancestorTitles.some((title) => /postgres/i.test(title))) skipped++;
      }
    }
    if (skipped === 0) return;
    const tests = skipped === 1 ? 'test' : 'tests';
    process.stderr.write(`SKIPPED: ${skipped} PostgreSQL ${tests} (TEST_DATABASE_URL is not set); SQLite ran alone.\n`);
  }
}

module.exports = SkippedPostgresReporter;
