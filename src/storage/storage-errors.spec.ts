import { isStorageUnavailable } from './storage-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it.each([
    ['refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['terminated by the administrator', withCode('terminating connection due to administrator command', '57P01')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['a connection failure', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['no client in time', new Error('timeout exceeded when trying to connect')],
    ['no answer in time', new Error('Query read timeout')],
    ['a full disk', withCode('database or disk is full', 'SQLITE_FULL')],
    ['an I/O error', withCode('disk I/O error', 'SQLITE_IOERR_WRITE')],
  ])('should take %s as the store being unavailable', (_what, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['a constraint in SQLite', withCode('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
  ])('should take %s as a failure of its own (500)', (_what, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
  });
});
