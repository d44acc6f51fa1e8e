import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ChatInputCommandInteraction, InteractionType, MessageFlags } from 'discord.js';
import { BackendError } from '../backend/backend.errors';
import { HttpExceptionFilter } from '../common/filters/http-exception.filter';
import { loadConfig } from '../config/app-config';
import { AppExceptionFilter } from './app-exception.filter';
import { DiscordExceptionFilter } from './discord-exception.filter';
import { InteractionLocale } from './interaction-locale';

const config = loadConfig(
  { DISCORD_TOKEN: 't', INTERNAL_API_SECRET: 'k'.repeat(40), BACKEND_INTERNAL_URL: 'http://b' },
  'v',
);

function fakeInteraction(state: { deferred: boolean; locale?: string }) {
  const interaction = Object.create(ChatInputCommandInteraction.prototype) as ChatInputCommandInteraction;
  return Object.assign(interaction, {
    type: InteractionType.ApplicationCommand,
    locale: state.locale ?? 'en-US',
    deferred: state.deferred,
    replied: false,
    reply: jest.fn().mockResolvedValue(undefined),
    editReply: jest.fn().mockResolvedValue(undefined),
  });
}

const necordHost = (first: unknown) => {
  const host = new ExecutionContextHost([[first], {}]);
  host.setType('necord');
  return host;
};

describe(DiscordExceptionFilter.name, () => {
  const filter = new DiscordExceptionFilter(new InteractionLocale(config));
  const app = new AppExceptionFilter(new HttpExceptionFilter(), filter);

  it('should hand Nest a promise, so the error is not rethrown into discord.js', async () => {
    const interaction = fakeInteraction({ deferred: true, locale: 'fr' });
    const handled = app.catch(new BackendError('server', '/x', 'HTTP 500', true, 500), necordHost(interaction));
    expect(handled).toBeInstanceOf(Promise);
    await handled;
    expect(interaction.editReply).toHaveBeenCalledWith({
      content: 'La facturation Moddy est momentanément indisponible. Réessayez dans un instant.',
      embeds: [],
      components: [],
    });
  });

  it('should reply ephemerally when the handler had not answered yet', async () => {
    const interaction = fakeInteraction({ deferred: false });
    await filter.catch(new Error('boom'), necordHost(interaction));
    expect(interaction.reply).toHaveBeenCalledWith({
      content: 'Something went wrong on our side. Please try again later.',
      flags: MessageFlags.Ephemeral,
    });
  });

  it('should resolve without answering when the event is not an interaction', async () => {
    await expect(filter.catch(new Error('boom'), necordHost({ id: 'a member' }))).resolves.toBeUndefined();
  });

  it('should never reject when Discord refuses the answer', async () => {
    const interaction = fakeInteraction({ deferred: true });
    interaction.editReply = jest.fn().mockRejectedValue(new Error('Unknown interaction'));
    await expect(filter.catch(new Error('boom'), necordHost(interaction))).resolves.toBeUndefined();
  });
});
