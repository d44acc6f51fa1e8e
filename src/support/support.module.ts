import { Module } from '@nestjs/common';
import { DmModule } from '../dm/dm.module';
import { RoleTruthModule } from '../role-truth';
import { SubscriptionModule } from '../subscription/subscription.module';
import { DeliveriesButtons, DeliveriesCommands, DeliveriesScreen } from './deliveries.commands';
import { DeliveryReport } from './delivery-report';
import { DeliveryRetry } from './delivery-retry';
import { DeskAudit } from './desk-audit';
import { MemberDeskButtons, MemberDeskCommands, MemberScreen } from './member-desk.commands';
import { MemberDesk } from './member-desk.service';
import { MemberHistory } from './member-history';

/** The support desk in Discord: `/admin member` and `/admin deliveries`. */
@Module({
  imports: [DmModule, RoleTruthModule, SubscriptionModule],
  providers: [
    MemberDesk,
    MemberHistory,
    MemberScreen,
    MemberDeskCommands,
    MemberDeskButtons,
    DeliveryReport,
    DeliveriesScreen,
    DeliveriesCommands,
    DeliveriesButtons,
    DeskAudit,
    DeliveryRetry,
  ],
})
export class SupportModule {}
