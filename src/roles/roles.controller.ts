import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../common/idempotency/idempotency.interceptor';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { UpdateRolesRequest } from './dto/update-roles.request';
import { RolesService, type UpdateRolesResponse } from './roles.service';

@Controller('internal/roles')
@UseGuards(InternalApiGuard)
@UseInterceptors(IdempotencyInterceptor)
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Post('update')
  @HttpCode(200)
  update(@Body() body: UpdateRolesRequest): Promise<UpdateRolesResponse> {
    return this.roles.updateRoles(body);
  }
}
