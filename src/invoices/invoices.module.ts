import { Module } from '@nestjs/common';
import { AdminInvoicesCommands, InvoicesCommands, InvoicesPages } from './invoices.commands';
import { InvoicesClient } from './invoices.client';
import { InvoicesController } from './invoices.controller';
import { NotificationsModule } from '../notifications/notifications.module';

@Module({
  imports: [NotificationsModule],
  controllers: [InvoicesController],
  providers: [InvoicesClient, InvoicesPages, InvoicesCommands, AdminInvoicesCommands],
  exports: [InvoicesClient],
})
export class InvoicesModule {}
