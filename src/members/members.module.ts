import { Module } from '@nestjs/common';
import { MemberLocaleListener } from './member-locale.listener';
import { MemberProfiles } from './member-profiles.service';
import { StorageModule } from '../storage/storage.module';

@Module({
  imports: [StorageModule],
  providers: [MemberProfiles, MemberLocaleListener],
  exports: [MemberProfiles],
})
export class MembersModule {}
