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

/** The staff check refused the user: they hear that the command is for staff, the telemetry counts it as denied. */
export class StaffRefusal extends DiscordUserError {
  constructor() {
    super('errors.staffOnly');
    this.name = 'StaffRefusal';
  }
}
