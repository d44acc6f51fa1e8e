// Runtime values of the discord-api-types enums the simulator compares with. The simulator takes discord-api-types
// for types only (it runs in its own process without discord.js, and sim-client.ts must stay free of ESM imports), so
// the values are spelled out here, each checked against its enum member by the annotation. Comparing an enum-typed
// field with these (rather than with bare numbers) is what @typescript-eslint/no-unsafe-enum-comparison asks for.
import type {
  ButtonStyle,
  ChannelType,
  GatewayOpcodes,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  MessageType,
} from 'discord.js';

export const ChannelTypes: Pick<
  typeof ChannelType,
  'GuildText' | 'DM' | 'GuildVoice' | 'GuildCategory' | 'GuildAnnouncement'
> = { GuildText: 0, DM: 1, GuildVoice: 2, GuildCategory: 4, GuildAnnouncement: 5 };

export const InteractionTypes: Pick<typeof InteractionType, 'ApplicationCommand' | 'MessageComponent'> = {
  ApplicationCommand: 2,
  MessageComponent: 3,
};

/** Interaction callback types. */
export const CallbackTypes: Pick<
  typeof InteractionResponseType,
  'ChannelMessageWithSource' | 'DeferredChannelMessageWithSource' | 'DeferredMessageUpdate' | 'UpdateMessage' | 'Modal'
> = {
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredMessageUpdate: 6,
  UpdateMessage: 7,
  Modal: 9,
};

export const ContextTypes: Pick<typeof InteractionContextType, 'Guild' | 'BotDM' | 'PrivateChannel'> = {
  Guild: 0,
  BotDM: 1,
  PrivateChannel: 2,
};

export const MessageTypes: Pick<typeof MessageType, 'Default' | 'Reply' | 'ChatInputCommand'> = {
  Default: 0,
  Reply: 19,
  ChatInputCommand: 20,
};

export const ButtonStyles: Pick<typeof ButtonStyle, 'Link' | 'Premium'> = { Link: 5, Premium: 6 };

export const Opcodes: Pick<
  typeof GatewayOpcodes,
  | 'Dispatch'
  | 'Heartbeat'
  | 'Identify'
  | 'PresenceUpdate'
  | 'VoiceStateUpdate'
  | 'Resume'
  | 'Reconnect'
  | 'RequestGuildMembers'
  | 'InvalidSession'
  | 'Hello'
  | 'HeartbeatAck'
  | 'RequestSoundboardSounds'
> = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  RequestSoundboardSounds: 31,
};
