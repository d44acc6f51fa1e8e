import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsString, ValidateNested } from 'class-validator';
import { InvoiceInfo } from './invoice-info.dto';

export class InvoicesResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => InvoiceInfo) readonly invoices!: InvoiceInfo[];
}
