import type { MessageKey, MessageParams } from '../i18n/i18n';

/** An error meant for the Discord user: the filter answers with this catalogue message, ephemerally. */
export class DiscordUserError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: MessageParams = {},
  ) {
    super(key);
    this.name = 'DiscordUserError';
  }
}
