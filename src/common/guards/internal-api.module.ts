import { Module } from '@nestjs/common';
import { StorageModule } from '../../storage/storage.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { SignatureUses } from './signature-uses';

/** What @InternalApi() needs in the module of each controller that uses it: the guard's and idempotency's stores. */
@Module({
  imports: [StorageModule, IdempotencyModule],
  providers: [SignatureUses],
  exports: [SignatureUses, IdempotencyModule],
})
export class InternalApiModule {}
