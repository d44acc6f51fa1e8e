// Optional: Discord's published OpenAPI document (shared/discord/openapi.json beside the repository, or
// DISCORD_SIM_OPENAPI) tells whether an unknown route is a real Discord route the simulator does not implement
// or no Discord route at all. Only used to annotate unknown-route records; the simulator works without it.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

interface OpenApiRoute {
  template: string;
  methods: string[];
  pattern: RegExp;
}

export class DiscordRouteIndex {
  private constructor(
    private readonly routes: OpenApiRoute[],
    readonly source: string,
  ) {}

  static load(): DiscordRouteIndex | null {
    const candidates = [
      process.env.DISCORD_SIM_OPENAPI,
      path.resolve(__dirname, '../../../shared/discord/openapi.json'),
      path.resolve(__dirname, '../../../../shared/discord/openapi.json'),
    ].filter((c): c is string => typeof c === 'string' && c.length > 0);
    for (const file of candidates) {
      if (!existsSync(file)) continue;
      try {
        const doc = JSON.parse(readFileSync(file, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
        const routes: OpenApiRoute[] = Object.entries(doc.paths ?? {}).map(([template, ops]) => ({
          template,
          methods: Object.keys(ops)
            .filter((m) => m !== 'parameters')
            .map((m) => m.toUpperCase()),
          pattern: new RegExp(
            '^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, '[^/]+') + '$',
          ),
        }));
        return new DiscordRouteIndex(routes, file);
      } catch {
        return null;
      }
    }
    return null;
  }

  /** Describes an unmatched request: a Discord route not simulated, or none at all. */
  describe(method: string, apiPath: string): string {
    const hit = this.routes.find((r) => r.pattern.test(apiPath));
    if (!hit) return 'not a Discord API v10 route (per openapi.json)';
    if (!hit.methods.includes(method)) return `Discord has ${hit.template} but not for ${method} (per openapi.json)`;
    return `Discord route ${method} ${hit.template} exists but is not simulated`;
  }
}
