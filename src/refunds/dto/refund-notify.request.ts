import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MinorAmount } from '../../common/validation/minor-amount.decorator';
import { SNOWFLAKE } from '../../config/env.validation';

/** Contract 1.1 `POST /internal/refunds/notify`: a refund issued outside Discord (e.g. the payment dashboard). */
export class RefundNotifyRequest {
  @IsString()
  @Matches(SNOWFLAKE, { message: 'discord_id must be a Discord snowflake (17 to 20 digits)' })
  readonly discord_id!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(255)
  readonly refund_id!: string;

  /** Minor units. */
  @MinorAmount(1)
  readonly amount!: number;

  @IsString()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a lowercase ISO 4217 code such as eur' })
  readonly currency!: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  readonly reason?: string | null;
}
