import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The service version, from package.json (works from src/ under ts and from dist/ when built). */
export function serviceVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
