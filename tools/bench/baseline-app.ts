// The baseline of the internal API benchmark: a plain Fastify app doing what the service does for
// GET /internal/health and POST /internal/notify (the same bearer check, the same class-validator DTO,
// the same DM with the same discord.js REST client and DM channel cache), and nothing else: no Nest, no
// store, no idempotency, no logs, no metrics. Run by tools/bench/main.ts as its own process.
import { randomBytes } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { REST, Routes, type APIChannel } from 'discord.js';
import Fastify from 'fastify';
import { constantTimeEquals } from '../../src/common/guards/internal-api.guard';
import { toValidationDetails } from '../../src/common/pipes/validation.pipe';
import { NotifyUserRequest } from '../../src/notifications/dto/notify-user.request';
import { buildNotifyDm } from '../../src/dm/subscription-dm';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const secret = env('INTERNAL_API_SECRET');
const rest = new REST({
  api: env('DISCORD_API_URL'),
  globalRequestsPerSecond: Number(env('DISCORD_GLOBAL_RATE_LIMIT')),
}).setToken(env('DISCORD_TOKEN'));
const dmChannels = new Map<string, string>();

async function dmChannelOf(userId: string): Promise<string> {
  const known = dmChannels.get(userId);
  if (known) return known;
  const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
  dmChannels.set(userId, channel.id);
  return channel.id;
}

const app = Fastify({ bodyLimit: 64 * 1024 });

app.addHook('onRequest', (request, reply, done) => {
  const header = request.headers.authorization;
  if (header === undefined) return void reply.code(401).send({ error: 'Missing Authorization header' });
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match) return void reply.code(401).send({ error: 'Invalid Authorization format' });
  if (!constantTimeEquals(match[1], secret)) return void reply.code(403).send({ error: 'Invalid secret' });
  done();
});

app.get('/internal/health', () => ({ status: 'healthy', service: 'discord-bot', version: '1.0.0' }));

app.post('/internal/notify', async (request, reply) => {
  const body = plainToInstance(NotifyUserRequest, request.body);
  const errors = await validate(body, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) return reply.code(422).send({ detail: toValidationDetails(errors) });
  const message = buildNotifyDm('en-US', { action: body.action, plan: body.plan, metadata: body.metadata });
  const channelId = await dmChannelOf(body.discord_id);
  await rest.post(Routes.channelMessages(channelId), {
    body: { ...message, nonce: randomBytes(12).toString('hex'), enforce_nonce: true },
  });
  return { success: true, message: 'Notification sent', notification_sent: true };
});

app
  .listen({ port: Number(env('PORT')), host: '127.0.0.1' })
  .then((address) => process.stdout.write(`BASELINE_LISTENING ${address}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
