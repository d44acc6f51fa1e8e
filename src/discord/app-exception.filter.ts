import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpExceptionFilter } from '../common/filters/http-exception.filter';
import { DiscordExceptionFilter } from './discord-exception.filter';

/**
 * The one global filter. Nest hands every error to the first catch-all filter, whatever the transport,
 * so this picks the right one: necord handlers get Discord replies, HTTP gets the contract's shapes. It sits
 * here, above common/ where the HTTP filter lives, because it is the one piece that knows both transports.
 */
@Catch()
@Injectable()
export class AppExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly http: HttpExceptionFilter,
    private readonly discord: DiscordExceptionFilter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> | undefined {
    // Outside HTTP, Nest rethrows unless the filter returns something: the Discord filter's promise.
    if (host.getType<string>() === 'necord') return this.discord.catch(exception, host);
    this.http.catch(exception, host);
    return undefined;
  }
}
