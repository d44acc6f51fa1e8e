import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/**
 * How a notification went, as the backend reads it: the answer of POST /internal/invoices/notify and
 * /internal/refunds/notify (contract InternalNotifyUserResponse).
 */
@ApiSchema({ name: 'NotificationOutcome' })
export class NotificationOutcome {
  @ApiProperty({ type: Boolean, description: 'false only when the Discord user does not exist' })
  success!: boolean;

  @ApiProperty({ type: String, example: 'Notification sent' })
  message!: string;

  @ApiProperty({ type: Boolean, description: 'false when the DMs are closed, or the DM is queued' })
  notification_sent!: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'NEW in 1.1. Discord was slow or failing: the DM is in the durable queue and is delivered later.',
  })
  queued?: boolean;
}
