import { Global, Module } from '@nestjs/common';
import { MemberProfiles } from './member-profiles.service';

@Global()
@Module({ providers: [MemberProfiles], exports: [MemberProfiles] })
export class MembersModule {}
