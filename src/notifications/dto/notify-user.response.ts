import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { NotificationOutcome } from '../../dm/notification-outcome.response';

/** Contract InternalNotifyUserResponse, the answer of POST /internal/notify. */
@ApiSchema({ name: 'InternalNotifyUserResponse' })
export class NotifyUserResponse extends NotificationOutcome {
  /** NEW in 1.1: occurred_at was older than the premium state already recorded, which stays as it was. */
  @ApiPropertyOptional({
    type: Boolean,
    description:
      'NEW in 1.1. occurred_at is older than the premium state already recorded for the member, which stays as ' +
      'it was (the DM still goes out: it is about a real event).',
  })
  stale?: boolean;
}
