import { Global, Module } from '@nestjs/common';
import { SignatureUses } from './signature-uses';

/** What InternalApiGuard needs wherever a controller uses it. */
@Global()
@Module({ providers: [SignatureUses], exports: [SignatureUses] })
export class InternalApiModule {}
