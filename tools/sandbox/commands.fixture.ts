// Registered commands shaped like what the bot registers (plain commands, /admin with subcommands and groups),
// for the line parser's and help's specs.
import type { RegisteredCommand } from '../discord-sim/types';

export function command(
  name: string,
  options: RegisteredCommand['options'] = [],
  extra: Partial<RegisteredCommand> = {},
) {
  return {
    id: `1${name.length}`,
    application_id: '100000000000000000',
    version: '1',
    type: 1,
    name,
    description: `the ${name} command`,
    options,
    default_member_permissions: null,
    contexts: [0, 1, 2],
    integration_types: [0, 1],
    nsfw: false,
    ...extra,
  } satisfies RegisteredCommand;
}

export const user = (name: string, required = true) => ({ type: 6, name, description: 'who', required });

export const COMMANDS: RegisteredCommand[] = [
  command('subscription'),
  command('invoices', [{ type: 4, name: 'limit', description: 'how many', min_value: 1, max_value: 100 }]),
  command(
    'admin',
    [
      {
        type: 2,
        name: 'roles',
        description: 'roles',
        options: [
          { type: 1, name: 'sync', description: 'sync roles', options: [user('user', false)] },
          { type: 1, name: 'audit', description: 'dry run' },
        ],
      },
      { type: 1, name: 'subscription', description: 'see one', options: [user('user')] },
      { type: 1, name: 'member', description: 'what the bot did', options: [user('user')] },
      { type: 1, name: 'deliveries', description: 'dead notifications' },
      {
        type: 2,
        name: 'premium',
        description: 'staff grants',
        options: [
          {
            type: 1,
            name: 'grant',
            description: 'grant',
            options: [
              user('user'),
              { type: 3, name: 'plan', description: 'plan', required: true, max_length: 64 },
              { type: 3, name: 'duration', description: 'how long', required: true, max_length: 8 },
              { type: 3, name: 'reason', description: 'why', max_length: 500 },
            ],
          },
          { type: 1, name: 'revoke', description: 'revoke', options: [user('user')] },
        ],
      },
      {
        type: 1,
        name: 'refund',
        description: 'refund',
        options: [
          user('user'),
          { type: 10, name: 'amount', description: 'amount', min_value: 0.01, max_value: 100000 },
          { type: 3, name: 'reason', description: 'why', max_length: 500 },
        ],
      },
    ],
    { default_member_permissions: '8', contexts: [0] },
  ),
  command('prefs', [
    { type: 5, name: 'quiet', description: 'quiet' },
    {
      type: 3,
      name: 'lang',
      description: 'language',
      choices: [
        { name: 'English', value: 'en-US' },
        { name: 'Français', value: 'fr' },
      ],
    },
    { type: 7, name: 'where', description: 'channel' },
  ]),
];
