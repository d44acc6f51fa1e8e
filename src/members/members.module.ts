import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { MemberLocaleListener } from './member-locale.listener';
import { MemberProfiles } from './member-profiles.service';

@Module({
  imports: [StorageModule],
  providers: [MemberProfiles, MemberLocaleListener],
  exports: [MemberProfiles],
})
export class MembersModule {}
