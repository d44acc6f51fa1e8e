import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's name as a lease owner: unique per process, readable in the tables. */
export const WORKER_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
