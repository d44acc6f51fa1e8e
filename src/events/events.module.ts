import { Module } from '@nestjs/common';
import { COMMAND_USAGE } from '../observability/command-usage';
import { EventsClient } from './events.client';
import { OutboundEvents } from './outbound-events';
import { BackendModule } from '../backend/backend.module';
import { StorageModule } from '../storage/storage.module';

/** Discord events for the backend's analytics (`POST /internal/event/notify`), through a durable queue. */
@Module({
  imports: [StorageModule, BackendModule],
  providers: [
    EventsClient,
    OutboundEvents,
    // Finished slash commands become `command_used` events for the backend.
    { provide: COMMAND_USAGE, useExisting: OutboundEvents },
  ],
  exports: [OutboundEvents, COMMAND_USAGE],
})
export class EventsModule {}
