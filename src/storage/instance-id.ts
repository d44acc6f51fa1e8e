import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** This process's name wherever it holds something (queue items, idempotency keys): unique per process, readable. */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
