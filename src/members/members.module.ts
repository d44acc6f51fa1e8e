import { Global, Module } from '@nestjs/common';
import { MemberLocaleListener } from './member-locale.listener';
import { MemberProfiles } from './member-profiles.service';

@Global()
@Module({ providers: [MemberProfiles, MemberLocaleListener], exports: [MemberProfiles] })
export class MembersModule {}
