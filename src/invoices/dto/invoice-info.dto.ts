import { IsInt, IsOptional, IsString, MinLength } from 'class-validator';

/** An invoice as the backend describes it (contract InvoiceInfo). Amount in minor units. */
export class InvoiceInfo {
  @IsString() @MinLength(1) readonly invoice_id!: string;
  @IsInt() readonly amount!: number;
  @IsString() @MinLength(1) readonly currency!: string;
  /** paid | open | void | uncollectible | draft; kept open-ended so a new status never breaks the view. */
  @IsString() readonly status!: string;
  @IsString() readonly created!: string;
  @IsOptional() @IsString() readonly invoice_pdf?: string | null;
}
