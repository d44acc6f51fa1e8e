import { INSTANCE_ID } from './instance-id';

/** This process's name as a lease owner (queues, members' role passes, the sweep). */
export const WORKER_ID = INSTANCE_ID;
