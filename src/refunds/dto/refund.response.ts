import { IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';

export class RefundResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsBoolean() readonly refunded!: boolean;
  @IsOptional() @IsString() readonly refund_id?: string | null;
  @IsOptional() @IsInt() readonly amount_refunded?: number | null;
}
