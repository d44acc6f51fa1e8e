import { Module } from '@nestjs/common';
import { BackendModule } from '../backend/backend.module';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { DmModule } from '../dm/dm.module';
import { InvoicesModule } from '../invoices/invoices.module';
import { StorageModule } from '../storage/storage.module';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundConfirmations } from './refund-confirmations.service';
import { RefundNotices } from './refund-notices.service';
import { RefundTiming } from './refund-timing';
import { RefundsClient } from './refunds.client';
import { AdminRefundCommands, RefundButtons } from './refunds.commands';
import { RefundsController } from './refunds.controller';
import { RefundsRepository } from './refunds.repository';

@Module({
  imports: [StorageModule, BackendModule, InternalApiModule, InvoicesModule, DmModule],
  controllers: [RefundsController],
  providers: [
    RefundsClient,
    RefundsRepository,
    RefundConfirmations,
    RefundNotices,
    RefundTiming,
    RefundAuditTrail,
    AdminRefundCommands,
    RefundButtons,
  ],
  // The support desk's history lists a member's refunds.
  exports: [RefundsRepository],
})
export class RefundsModule {}
