import { Controller, Get, UseGuards } from '@nestjs/common';
import { Client } from 'discord.js';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { AppConfig } from '../config/app-config';
import type { InternalHealthResponse } from './dto/internal-health.response';
import { gatewayState } from './discord.health';

/** The 1.0 health call of the backend: always 200 when authenticated; unhealthy while Discord is not ready. */
@Controller('internal')
@UseGuards(InternalApiGuard)
export class InternalHealthController {
  constructor(
    private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  @Get('health')
  health(): InternalHealthResponse {
    return {
      status: gatewayState(this.client).ready ? 'healthy' : 'unhealthy',
      service: 'discord-bot',
      version: this.config.version,
    };
  }
}
