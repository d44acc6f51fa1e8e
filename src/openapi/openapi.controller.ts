import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { InternalApiGuard } from '../common/guards/internal-api.guard';
import { OpenApiDocument } from './openapi.service';

/** The internal API's own description, behind the same secret as the API (no UI is served). */
@Controller('internal')
@UseGuards(InternalApiGuard)
@ApiExcludeController()
export class OpenApiController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-store')
  openapi(): OpenAPIObject {
    return this.document.get();
  }
}
