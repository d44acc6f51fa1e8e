import { IsBoolean, IsOptional, IsString } from 'class-validator';

export class UserInfoResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsBoolean() readonly user_found!: boolean;
  @IsOptional() @IsString() readonly discord_id?: string | null;
  @IsOptional() @IsString() readonly email?: string | null;
  @IsOptional() @IsString() readonly created_at?: string | null;
  @IsOptional() @IsString() readonly updated_at?: string | null;
}
