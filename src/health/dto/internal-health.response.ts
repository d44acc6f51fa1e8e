import { IsIn, IsOptional, IsString } from 'class-validator';

/** Contract InternalHealthResponse, both directions. */
export class InternalHealthResponse {
  @IsIn(['healthy', 'unhealthy']) readonly status!: 'healthy' | 'unhealthy';
  @IsString() readonly service!: string;
  @IsOptional() @IsString() readonly version?: string | null;
}
