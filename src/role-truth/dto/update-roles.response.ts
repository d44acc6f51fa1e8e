import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { RoleOutcome, RoleResult } from '../role-ledger';

const ROLE_OUTCOMES: readonly RoleOutcome[] = ['added', 'removed', 'unchanged', 'failed'];

/** What happened to one role of a change (NEW in 1.1). */
@ApiSchema({ name: 'RoleResult' })
class RoleResultBody implements RoleResult {
  @ApiProperty({ type: String })
  role_id!: string;

  @ApiProperty({ type: String, enum: ROLE_OUTCOMES })
  outcome!: RoleOutcome;

  @ApiPropertyOptional({ type: String, description: 'why a role failed, or was left as it was' })
  reason?: string;
}

/** Contract InternalUpdateRoleResponse. */
@ApiSchema({ name: 'InternalUpdateRoleResponse' })
export class UpdateRolesResponse {
  @ApiProperty({ type: Boolean })
  success!: boolean;

  @ApiProperty({ type: String, example: 'Roles updated successfully' })
  message!: string;

  @ApiProperty({ type: Boolean })
  roles_updated!: boolean;

  @ApiProperty({ type: String, nullable: true, required: false, description: 'the guild the change is for' })
  guild_id!: string | null;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'NEW in 1.1. The member is not in the guild: the change is stored and applied when they join.',
  })
  pending?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'NEW in 1.1. The change is stored and will be applied by the worker (Discord could not finish it within the ' +
      'answer budget); results then list nothing yet.',
  })
  queued?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'NEW in 1.1. A later change for the same member replaced this one before it was applied; results then ' +
      'describe nothing this request did.',
  })
  superseded?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'NEW in 1.1. occurred_at is older than the change already applied for this member; nothing changed.',
  })
  stale?: boolean;

  @ApiPropertyOptional({ type: () => [RoleResultBody], description: 'NEW in 1.1. One entry per role.' })
  results?: RoleResult[];
}
