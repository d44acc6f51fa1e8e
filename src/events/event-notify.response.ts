import { IsBoolean, IsString } from 'class-validator';

export class EventNotifyResponse {
  @IsBoolean() readonly success!: boolean;
  @IsString() readonly message!: string;
  @IsBoolean() readonly event_received!: boolean;
}
