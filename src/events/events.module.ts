import { Module } from '@nestjs/common';
import { BackendModule } from '../backend/backend.module';
import { COMMAND_USAGE } from '../observability/command-usage';
import { StorageModule } from '../storage/storage.module';
import { EventsClient } from './events.client';
import { OutboundEvents } from './outbound-events';

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
