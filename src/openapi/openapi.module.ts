import { Module } from '@nestjs/common';
import { InternalApiModule } from '../common/guards/internal-api.module';
import { OpenApiController } from './openapi.controller';
import { OpenApiDocument } from './openapi.service';

@Module({
  imports: [InternalApiModule],
  controllers: [OpenApiController],
  providers: [OpenApiDocument],
})
export class OpenApiModule {}
