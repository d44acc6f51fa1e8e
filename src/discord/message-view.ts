import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';

/** A message as the renderers build it: what an interaction reply, an edit or a DM sends. */
export interface MessageView {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}
