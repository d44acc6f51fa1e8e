import { PermissionFlagsBits, type APIGuildMember, type APIRole } from 'discord.js';
import { botStanding } from './discord-rest.service';

const GUILD = '900000000000000000';
const role = (id: string, position: number, permissions: bigint): APIRole =>
  ({ id, position, permissions: permissions.toString(), name: id, managed: false }) as APIRole;
const member = (roles: string[]) => ({ roles, user: { id: '1' } }) as unknown as APIGuildMember;

describe('botStanding', () => {
  it('should take the highest position and Manage Roles from the bot roles and @everyone', () => {
    const roles = [role(GUILD, 0, 0n), role('a', 5, PermissionFlagsBits.ManageRoles), role('b', 9, 0n)];
    expect(botStanding(GUILD, member(['a', 'b']), roles)).toEqual({ highestPosition: 9, canManageRoles: true });
  });

  it('should count Administrator as Manage Roles and report its absence', () => {
    expect(botStanding(GUILD, member(['a']), [role('a', 3, PermissionFlagsBits.Administrator)]).canManageRoles).toBe(
      true,
    );
    expect(botStanding(GUILD, member(['a']), [role('a', 3, PermissionFlagsBits.SendMessages)]).canManageRoles).toBe(
      false,
    );
  });
});
