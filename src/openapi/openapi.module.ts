import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';
import { OpenApiDocument } from './openapi.service';
import { InternalApiModule } from '../common/guards/internal-api.module';

@Module({
  imports: [InternalApiModule],
  controllers: [OpenApiController],
  providers: [OpenApiDocument],
})
export class OpenApiModule {}
