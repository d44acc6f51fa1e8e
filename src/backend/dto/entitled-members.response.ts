import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { SNOWFLAKE } from '../../common/validation/snowflake';

/** Contract 1.2 (optional): one page of the Discord ids whose subscription entitles them to a plan. */
export class EntitledMembersResponse {
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(SNOWFLAKE, { each: true })
  readonly discord_ids!: string[];

  /** Discord id -> plan name, when the backend knows it. */
  @IsOptional()
  @IsObject()
  readonly plans?: Record<string, string> | null;

  @IsOptional()
  @IsString()
  readonly next_cursor!: string | null;
}
