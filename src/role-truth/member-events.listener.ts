import { Injectable, Logger } from '@nestjs/common';
import { Context, On, type ContextOf } from 'necord';
import { AppConfig } from '../config/app-config';
import { OutboundEvents } from '../events/outbound-events';
import { MemberChecks } from './member-checks';
import { RolesService } from './roles.service';

/**
 * Member joins and leaves: pending role changes are applied on join, a member the ledger never heard of gets
 * a read of their truth; the Moddy guild's joins and leaves are reported.
 */
@Injectable()
export class MemberEventsListener {
  private readonly logger = new Logger(MemberEventsListener.name);

  constructor(
    private readonly roles: RolesService,
    private readonly checks: MemberChecks,
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
      const outcome = await this.roles.memberJoined(member.guild.id, member.id);
      // A member the ledger never heard of may be paying all the same: their truth is read (plan roles live here).
      if (outcome === 'unknown' && member.guild.id === this.config.guildId && !member.user.bot) {
        await this.checks.joined(member.guild.id, member.id);
      }
    } catch (error) {
      this.logger.warn(`Roles for ${member.id} on joining could not be handled: ${(error as Error).message}`);
    }
  }

  @On('guildMemberRemove')
  onLeave(@Context() [member]: ContextOf<'guildMemberRemove'>): void {
    if (member.guild.id !== this.config.guildId) return;
    this.events.record('member_left', member.id, { guild_id: member.guild.id, left_at: new Date().toISOString() });
  }
}
