import { Module } from '@nestjs/common';
import { BackendModule } from '../backend/backend.module';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { DmModule } from '../dm/dm.module';
import { InvoiceNotices } from './invoice-notices.service';
import { InvoicesClient } from './invoices.client';
import { AdminInvoicesCommands, InvoicesCommands, InvoicesPages } from './invoices.commands';
import { InvoicesController } from './invoices.controller';

@Module({
  imports: [BackendModule, InternalApiModule, DmModule],
  controllers: [InvoicesController],
  providers: [InvoiceNotices, InvoicesClient, InvoicesPages, InvoicesCommands, AdminInvoicesCommands],
  exports: [InvoicesClient],
})
export class InvoicesModule {}
