import { Module } from '@nestjs/common';
import { AdminInvoicesCommands, InvoicesCommands, InvoicesPages } from './invoices.commands';
import { InvoicesClient } from './invoices.client';

@Module({
  providers: [InvoicesClient, InvoicesPages, InvoicesCommands, AdminInvoicesCommands],
  exports: [InvoicesClient],
})
export class InvoicesModule {}
