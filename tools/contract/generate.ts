// `npm run contract:generate`: writes docs/internal-api.openapi.json from the code's decorators. Offline, no .env.
// Runs under ts-node (the decorators' metadata is what the document is read from).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OPENAPI_DOCUMENT_PATH } from '../../src/openapi/openapi-document';
import { generateDocument } from './generate-document';

async function main(): Promise<void> {
  const target = join(__dirname, '..', '..', OPENAPI_DOCUMENT_PATH);
  const text = await generateDocument();
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${OPENAPI_DOCUMENT_PATH} (${Buffer.byteLength(text)} bytes)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `contract:generate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
