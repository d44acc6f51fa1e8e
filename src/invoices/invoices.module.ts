import { Module } from '@nestjs/common';
import { AdminInvoicesCommands, InvoicesCommands, InvoicesPages } from './invoices.commands';
import { InvoicesClient } from './invoices.client';
import { InvoicesController } from './invoices.controller';
import { DmModule } from '../dm/dm.module';
import { InvoiceNotices } from './invoice-notices.service';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { BackendModule } from '../backend/backend.module';

@Module({
  imports: [BackendModule, InternalApiModule, DmModule],
  controllers: [InvoicesController],
  providers: [InvoiceNotices, InvoicesClient, InvoicesPages, InvoicesCommands, AdminInvoicesCommands],
  exports: [InvoicesClient],
})
export class InvoicesModule {}
