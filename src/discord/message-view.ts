import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import { clip } from './message-limits';

/** A message as the renderers build it: what an interaction reply, an edit or a DM sends. */
export interface MessageView {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

/** A button of a staff message (Discord cuts labels at 80 characters). */
export function button(
  label: string,
  customId: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger,
  disabled = false,
): APIButtonComponent {
  return { type: ComponentType.Button, style, label: clip(label, 80), custom_id: customId, disabled };
}
