import { Injectable, Logger } from '@nestjs/common';
import { Context, On, type ContextOf } from 'necord';
import { AppConfig } from '../config/app-config';
import { OutboundEvents } from '../events/outbound-events';
import { RolesService } from './roles.service';

/** Member joins and leaves: pending role changes are applied on join; the Moddy guild's are reported. */
@Injectable()
export class MemberEventsListener {
  private readonly logger = new Logger(MemberEventsListener.name);

  constructor(
    private readonly roles: RolesService,
    private readonly events: OutboundEvents,
    private readonly config: AppConfig,
  ) {}

  @On('guildMemberAdd')
  async onJoin(@Context() [member]: ContextOf<'guildMemberAdd'>): Promise<void> {
    if (member.guild.id === this.config.guildId) {
      this.events.record('member_joined', member.id, {
        guild_id: member.guild.id,
        joined_at: (member.joinedAt ?? new Date()).toISOString(),
      });
    }
    try {
      await this.roles.memberJoined(member.guild.id, member.id);
    } catch (error) {
      this.logger.warn(`Pending role change for ${member.id} could not be applied: ${(error as Error).message}`);
    }
  }

  @On('guildMemberRemove')
  onLeave(@Context() [member]: ContextOf<'guildMemberRemove'>): void {
    if (member.guild.id !== this.config.guildId) return;
    this.events.record('member_left', member.id, { guild_id: member.guild.id, left_at: new Date().toISOString() });
  }
}
