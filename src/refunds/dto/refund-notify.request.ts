import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MAX_MINOR_AMOUNT, MinorAmount } from '../../common/validation/minor-amount.decorator';
import { IsSnowflake } from '../../common/validation/snowflake';
import { ApiSnowflake } from '../../openapi/api-fields';

/** Contract 1.1 `POST /internal/refunds/notify`: a refund issued outside Discord (e.g. the payment dashboard). */
@ApiSchema({ name: 'RefundNotifyRequest' })
export class RefundNotifyRequest {
  @ApiSnowflake()
  @IsString()
  @IsSnowflake('discord_id')
  readonly discord_id!: string;

  @ApiProperty({ type: String, minLength: 1, maxLength: 255, description: 'one DM per refund_id' })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  readonly refund_id!: string;

  /** Minor units. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_MINOR_AMOUNT, description: 'minor units' })
  @MinorAmount(1)
  readonly amount!: number;

  @ApiProperty({ type: String, pattern: '^[a-z]{3}$', description: 'lowercase ISO 4217 code, e.g. eur' })
  @IsString()
  @Matches(/^[a-z]{3}$/, { message: 'currency must be a lowercase ISO 4217 code such as eur' })
  readonly currency!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  readonly reason?: string | null;
}
