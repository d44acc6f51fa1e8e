import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Every refusal of the internal API but a validation error: `{"error": "..."}`. */
@ApiSchema({ name: 'Error' })
export class ErrorBody {
  @ApiProperty({ type: String, example: 'Missing Authorization header' })
  readonly error!: string;
}

/** One item of a 422 (the shape FastAPI clients parse). */
@ApiSchema({ name: 'ValidationDetail' })
export class ValidationDetailBody {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
    example: ['body', 'discord_id'],
  })
  readonly loc!: (string | number)[];

  @ApiProperty({ type: String })
  readonly msg!: string;

  @ApiProperty({ type: String, example: 'string_pattern_mismatch' })
  readonly type!: string;
}

/** 422: a body that fails validation. */
@ApiSchema({ name: 'ValidationError' })
export class ValidationErrorBody {
  @ApiProperty({ type: () => [ValidationDetailBody] })
  readonly detail!: ValidationDetailBody[];
}
