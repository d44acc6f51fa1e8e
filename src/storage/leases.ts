import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';

/**
 * Named leases in the database: one holder at a time across replicas, for work that must not run twice
 * in parallel (the role sweep). A holder renews while it works; a crashed holder's lease simply runs out.
 */
@Injectable()
export class Leases {
  constructor(private readonly database: DatabaseService) {}

  /** Takes (or keeps) the lease for `ttlMs`; false while another owner holds it. */
  async acquire(name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    const result = await this.database.db
      .insertInto('leases')
      .values({ name, owner, lease_until: now + ttlMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ owner, lease_until: now + ttlMs })
          .where((eb) => eb.or([eb('leases.lease_until', '<', now), eb('leases.owner', '=', owner)])),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.database.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }
}
