import type { Generated, Kysely } from 'kysely';

/** Times are epoch milliseconds in both dialects; JSON is stored as text so both dialects read it alike. */
export interface IdempotencyKeyTable {
  key: string;
  request_hash: string;
  /** null while the first request with this key is still being served. */
  status_code: number | null;
  response_body: string | null;
  created_at: number;
  expires_at: number;
}

export interface Tables {
  idempotency_keys: IdempotencyKeyTable;
}

export type Db = Kysely<Tables>;
export type { Generated };
