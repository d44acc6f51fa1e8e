import { Module } from '@nestjs/common';
import { InvoicesModule } from '../invoices/invoices.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { RefundAuditTrail } from './refund-audit-trail';
import { RefundTiming } from './refund-timing';
import { RefundsClient } from './refunds.client';
import { AdminRefundCommands, RefundButtons } from './refunds.commands';
import { RefundsController } from './refunds.controller';
import { RefundsRepository } from './refunds.repository';
import { RefundsService } from './refunds.service';

@Module({
  imports: [InvoicesModule, NotificationsModule],
  controllers: [RefundsController],
  providers: [
    RefundsClient,
    RefundsRepository,
    RefundsService,
    RefundTiming,
    RefundAuditTrail,
    AdminRefundCommands,
    RefundButtons,
  ],
})
export class RefundsModule {}
