import { Module } from '@nestjs/common';
import { DmModule } from '../dm/dm.module';
import { EventsModule } from '../events/events.module';
import { RefundsModule } from '../refunds/refunds.module';
import { RoleTruthModule } from '../role-truth';
import { SubscriptionModule } from '../subscription/subscription.module';
import { DeliveriesButtons, DeliveriesCommands, DeliveriesScreen } from './deliveries.commands';
import { DeliveryRetry } from './delivery-retry';
import { DeskAudit } from './desk-audit';
import { MemberDeskButtons, MemberDeskCommands, MemberScreen } from './member-desk.commands';
import { MemberDesk } from './member-desk.service';
import { MemberHistory } from './member-history';

/** The support desk in Discord: `/admin member` and `/admin deliveries`. */
@Module({
  imports: [DmModule, EventsModule, RoleTruthModule, SubscriptionModule, RefundsModule],
  providers: [
    MemberDesk,
    MemberHistory,
    MemberScreen,
    MemberDeskCommands,
    MemberDeskButtons,
    DeliveriesScreen,
    DeliveriesCommands,
    DeliveriesButtons,
    DeskAudit,
    DeliveryRetry,
  ],
})
export class SupportModule {}
