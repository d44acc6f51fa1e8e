import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Client } from 'discord.js';
import { AppConfig } from '../config/app-config';
import { gatewayState } from '../discord/gateway-state';
import { InternalApi } from '../openapi/api-internal';
import { InternalHealthResponse } from './dto/internal-health.response';

/** The 1.0 health call of the backend: always 200 when authenticated; unhealthy while Discord is not ready. */
@Controller('internal')
@InternalApi({ idempotent: false })
export class InternalHealthController {
  constructor(
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  @Get('health')
  @ApiOperation({
    summary: 'Bot health as the backend sees it (1.0)',
    description: 'Always 200 when authenticated; status is "unhealthy" while the Discord client is not ready.',
  })
  @ApiOkResponse({
    type: InternalHealthResponse,
    example: { status: 'healthy', service: 'discord-bot', version: '1.0.0' },
  })
  health(): InternalHealthResponse {
    return {
      status: gatewayState(this.client).ready ? 'healthy' : 'unhealthy',
      service: 'discord-bot',
      version: this.config.version,
    };
  }
}
