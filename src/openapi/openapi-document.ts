import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './api-internal';

/** The version of the internal API contract the code implements (shared/contract/internal-api.yaml). */
const CONTRACT_VERSION = '1.1';

/** Where the generated document is committed, from the repository's root. */
export const OPENAPI_DOCUMENT_PATH = 'docs/internal-api.openapi.json';

const DESCRIPTION = [
  'The HTTP API the bot serves to the website backend under /internal, generated from the code',
  '(`npm run contract:generate`). Version 1.0 is what the backend already speaks; 1.1 adds, backward',
  'compatibly, what is marked NEW.',
  '',
  'Every route wants `Authorization: Bearer <INTERNAL_API_SECRET>`: 401 `{"error":"Missing Authorization header"}`',
  'or `{"error":"Invalid Authorization format"}`, 403 `{"error":"Invalid secret"}`. Business outcomes are 200',
  '(`success:false`, `notification_sent:false`), never 4xx/5xx. Unknown top-level fields are ignored.',
  '',
  "NEW in 1.2: `occurred_at` at most 5 minutes ahead of the bot's clock (else 422), and a Discord id that Discord",
  'could not have issued (a leading zero, above 2^63 - 1) is 422. The bot also calls one optional backend endpoint',
  'when the backend offers it: `POST /internal/subscription/entitled` `{cursor, limit}` -> `{discord_ids, plans?,',
  'next_cursor}`, the members with an entitling subscription, which the role sweep reads instead of one',
  '`/internal/subscription/info` per member; a 404 or 501 means it is not offered (the sweep reads members one by',
  'one, and does not ask again until the bot restarts).',
].join('\n');

/**
 * The OpenAPI document of the internal API, read from the decorators of the controllers and DTOs of `app`
 * (only the paths under /internal: the open probes and /metrics are for the platform, not the backend).
 */
export function internalApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Moddy internal API (served by the bot)')
    .setDescription(DESCRIPTION)
    .setVersion(CONTRACT_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'INTERNAL_API_SECRET' }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // operationId NotificationsController_notify, not ..._notify_v1 or a hash: stable across refactors of the file.
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/internal/')));
  return { ...document, paths };
}

/** The document as committed: two-space JSON, one final newline. */
export function serializeDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
