import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MinorAmount } from '../../common/validation/minor-amount.decorator';
import { OccurredAt } from '../../common/validation/occurred-at.decorator';
import { MAX_MINOR_AMOUNT } from '../../common/validation/minor-amount.decorator';
import { IsSnowflake } from '../../common/validation/snowflake';
import { ApiSnowflake } from '../../openapi/api-fields';

/** The invoice of an invoice event (contract InvoiceInfo), validated strictly since it reaches a DM. */
@ApiSchema({ name: 'InvoiceInfo' })
export class NotifiedInvoice {
  @ApiProperty({ type: String, minLength: 1, maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  readonly invoice_id!: string;

  /** Amount paid, minor units: 0 for a trial start or a full discount, never negative. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_MINOR_AMOUNT, description: 'amount paid, minor units' })
  @MinorAmount(0)
  readonly amount!: number;

  @ApiProperty({ type: String, pattern: '^[a-zA-Z]{3}$', description: 'ISO 4217 code, e.g. eur' })
  @IsString()
  @Matches(/^[a-zA-Z]{3}$/, { message: 'currency must be a 3-letter ISO code' })
  readonly currency!: string;

  @ApiProperty({ type: String, maxLength: 32, description: 'paid | open | void | uncollectible | draft' })
  @IsString()
  @MaxLength(32)
  readonly status!: string;

  @ApiProperty({ type: String, maxLength: 64 })
  @IsString()
  @MaxLength(64)
  readonly created!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048, description: 'shown as a link button' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  readonly invoice_pdf?: string | null;
}

/** NEW in 1.1: POST /internal/invoices/notify. */
@ApiSchema({ name: 'InvoiceNotifyRequest' })
export class InvoiceNotifyRequest {
  @ApiSnowflake()
  @IsString()
  @IsSnowflake('discord_id')
  readonly discord_id!: string;

  @ApiProperty({ type: String, enum: ['invoice_paid', 'payment_failed'] })
  @IsIn(['invoice_paid', 'payment_failed'], { message: 'event must be invoice_paid or payment_failed' })
  readonly event!: 'invoice_paid' | 'payment_failed';

  // ValidateNested alone lets a missing invoice or an array through (an array validates its items: none).
  @ApiProperty({ type: () => NotifiedInvoice })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NotifiedInvoice)
  readonly invoice!: NotifiedInvoice;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
