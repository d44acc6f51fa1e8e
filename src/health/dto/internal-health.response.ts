import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';

/** Contract InternalHealthResponse, both directions. */
@ApiSchema({ name: 'InternalHealthResponse' })
export class InternalHealthResponse {
  @ApiProperty({ type: String, enum: ['healthy', 'unhealthy'] })
  @IsIn(['healthy', 'unhealthy'])
  readonly status!: 'healthy' | 'unhealthy';

  @ApiProperty({ type: String, example: 'discord-bot' })
  @IsString()
  readonly service!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1.0.0' })
  @IsOptional()
  @IsString()
  readonly version?: string | null;
}
