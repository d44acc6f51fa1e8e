import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { MinorAmount } from '../../common/validation/minor-amount.decorator';

export class RefundResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsBoolean() readonly refunded!: boolean;
  @IsOptional() @IsString() readonly refund_id?: string | null;
  /** Bounded like every amount, so the audit trail can store it. */
  @IsOptional() @MinorAmount(0) readonly amount_refunded?: number | null;
}
