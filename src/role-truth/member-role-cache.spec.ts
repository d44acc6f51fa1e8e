import { EventEmitter } from 'node:events';
import { Events, GatewayOpcodes, type Client } from 'discord.js';
import type { AppConfig } from '../config/app-config';
import { MemberRoleCache } from './member-role-cache';

const GUILD = '900000000000000000';
const OTHER_GUILD = '900000000000000001';
const PREMIUM = '800000000000000001';
const OTHER_ROLE = '800000000000000009';
const user = (i: number) => String(700000000000000000n + BigInt(i));
const member = (i: number, roles: string[] = []) => ({ user: { id: user(i) }, roles });

/** A discord.js client as the view uses it: raw dispatches in, REQUEST_GUILD_MEMBERS out on shard 0. */
function gateway() {
  const sent: jest.Mock = jest.fn();
  const client = Object.assign(new EventEmitter(), {
    isReady: () => false,
    ws: { shards: new Map([[0, { send: sent }]]) },
  });
  const cache = new MemberRoleCache(
    client as unknown as Client,
    {
      guildId: GUILD,
      manageableRoleIds: new Set([PREMIUM]),
    } as unknown as AppConfig,
  );
  cache.onModuleInit();
  const dispatch = (t: string, d: unknown) => client.emit(Events.Raw, { op: 0, t, d }, 0);
  const nonce = () => (sent.mock.calls.at(-1)?.[0] as { d: { nonce: string } }).d.nonce;
  return { cache, sent, dispatch, nonce };
}

describe('MemberRoleCache', () => {
  it('should tell nothing until every member of the guild arrived, then their managed roles only', () => {
    const { cache, sent, dispatch, nonce } = gateway();
    dispatch('GUILD_CREATE', { id: GUILD, members: [] });
    expect(sent).toHaveBeenCalledWith({
      op: GatewayOpcodes.RequestGuildMembers,
      d: expect.objectContaining({ guild_id: GUILD, query: '', limit: 0 }),
    });
    dispatch('GUILD_MEMBERS_CHUNK', {
      guild_id: GUILD,
      nonce: nonce(),
      chunk_index: 0,
      chunk_count: 2,
      members: [member(1, [PREMIUM, OTHER_ROLE])],
    });
    expect(cache.rolesOf(GUILD, user(1))).toBeUndefined();
    dispatch('GUILD_MEMBERS_CHUNK', {
      guild_id: GUILD,
      nonce: nonce(),
      chunk_index: 1,
      chunk_count: 2,
      members: [member(2)],
    });
    expect(cache.rolesOf(GUILD, user(1))).toEqual(new Set([PREMIUM]));
    expect(cache.rolesOf(GUILD, user(2))).toEqual(new Set());
    expect(cache.rolesOf(GUILD, user(3))).toBeNull(); // not a member
    expect(cache.rolesOf(OTHER_GUILD, user(1))).toBeUndefined();
  });

  it('should follow joins, updates, leaves and its own writes, and forget everything on a new session', () => {
    // (null: not a member; undefined: cannot tell)
    const { cache, dispatch, nonce } = gateway();
    dispatch('GUILD_CREATE', { id: GUILD });
    dispatch('GUILD_MEMBERS_CHUNK', { guild_id: GUILD, nonce: nonce(), chunk_index: 0, chunk_count: 1, members: [] });
    dispatch('GUILD_MEMBER_ADD', { guild_id: GUILD, ...member(4) });
    dispatch('GUILD_MEMBER_UPDATE', { guild_id: GUILD, ...member(4, [PREMIUM]) });
    dispatch('GUILD_MEMBER_UPDATE', { guild_id: OTHER_GUILD, ...member(4, []) });
    expect(cache.rolesOf(GUILD, user(4))).toEqual(new Set([PREMIUM]));
    cache.wrote(GUILD, user(4), PREMIUM, false);
    expect(cache.rolesOf(GUILD, user(4))).toEqual(new Set());
    dispatch('GUILD_MEMBER_REMOVE', { guild_id: GUILD, user: { id: user(4) } });
    expect(cache.rolesOf(GUILD, user(4))).toBeNull();
    dispatch('GUILD_MEMBER_ADD', { guild_id: GUILD, ...member(5) });
    dispatch('READY', { guilds: [{ id: GUILD, unavailable: true }] });
    expect(cache.isSynced).toBe(false);
    expect(cache.rolesOf(GUILD, user(5))).toBeUndefined();
  });

  it('should keep an event newer than the list it is receiving, and ask again when Discord rate limits the request', () => {
    jest.useFakeTimers();
    try {
      const { cache, sent, dispatch, nonce } = gateway();
      dispatch('GUILD_CREATE', { id: GUILD });
      const first = nonce();
      dispatch('RATE_LIMITED', { opcode: 8, retry_after: 2.5, meta: { guild_id: GUILD, nonce: first } });
      jest.advanceTimersByTime(2500);
      expect(sent).toHaveBeenCalledTimes(2);
      dispatch('GUILD_MEMBER_UPDATE', { guild_id: GUILD, ...member(6, [PREMIUM]) });
      // A chunk of the earlier request is not this one's.
      dispatch('GUILD_MEMBERS_CHUNK', { guild_id: GUILD, nonce: first, chunk_index: 0, chunk_count: 1, members: [] });
      expect(cache.isSynced).toBe(false);
      dispatch('GUILD_MEMBERS_CHUNK', {
        guild_id: GUILD,
        nonce: nonce(),
        chunk_index: 0,
        chunk_count: 1,
        members: [member(6, [])],
      });
      expect(cache.rolesOf(GUILD, user(6))).toEqual(new Set([PREMIUM]));
    } finally {
      jest.useRealTimers();
    }
  });
});
