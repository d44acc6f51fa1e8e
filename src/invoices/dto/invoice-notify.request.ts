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
import { SNOWFLAKE } from '../../config/env.validation';

/** The invoice of an invoice event (contract InvoiceInfo), validated strictly since it reaches a DM. */
export class NotifiedInvoice {
  @IsString() @MinLength(1) @MaxLength(255) readonly invoice_id!: string;
  /** Amount paid, minor units: 0 for a trial start or a full discount, never negative. */
  @MinorAmount(0) readonly amount!: number;
  @IsString() @Matches(/^[a-zA-Z]{3}$/, { message: 'currency must be a 3-letter ISO code' }) readonly currency!: string;
  @IsString() @MaxLength(32) readonly status!: string;
  @IsString() @MaxLength(64) readonly created!: string;
  @IsOptional() @IsString() @MaxLength(2048) readonly invoice_pdf?: string | null;
}

/** NEW in 1.1: POST /internal/invoices/notify. */
export class InvoiceNotifyRequest {
  @IsString()
  @Matches(SNOWFLAKE, { message: 'discord_id must be a Discord snowflake (17 to 20 digits)' })
  readonly discord_id!: string;

  @IsIn(['invoice_paid', 'payment_failed'], { message: 'event must be invoice_paid or payment_failed' })
  readonly event!: 'invoice_paid' | 'payment_failed';

  // ValidateNested alone lets a missing invoice or an array through (an array validates its items: none).
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NotifiedInvoice)
  readonly invoice!: NotifiedInvoice;

  /** NEW in 1.1: when the billing event happened; an older state change than the one applied is stale. */
  @OccurredAt()
  readonly occurred_at?: string | null;
}
