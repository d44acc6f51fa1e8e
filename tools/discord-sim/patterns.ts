// Route patterns used by faults, latency and rate-limit overrides:
//   "POST /channels/*/messages"   `*` or `:name` matches one path segment, `**` matches the rest,
//   "* /guilds/**"                 method `*` (or no method) matches any method.
// Paths are below /api/v10 (a leading /api/v10 in the pattern is ignored).

export function matchesPattern(pattern: string, method: string, path: string): boolean {
  const trimmed = pattern.trim();
  const space = trimmed.indexOf(' ');
  const pMethod = space === -1 ? '*' : trimmed.slice(0, space).toUpperCase();
  let pPath = space === -1 ? trimmed : trimmed.slice(space + 1).trim();
  if (pMethod !== '*' && pMethod !== method.toUpperCase()) return false;
  pPath = pPath.replace(/^\/api\/v\d+/, '');
  const want = pPath.split('/').filter(Boolean);
  const got = path.split('?')[0].split('/').filter(Boolean);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === '**') return true;
    if (i >= got.length) return false;
    if (w === '*' || w.startsWith(':')) continue;
    if (w !== got[i]) return false;
  }
  return want.length === got.length;
}

// Route templates, as the REST routes (rest.ts) and the control API (control.ts) declare them:
//   "/channels/:channel_id/messages"   `:name` takes one path segment as a parameter, other segments must be equal.
// A path matches a template of the same length; of several matches the one with the most literal segments wins.

export interface TemplateRoute {
  method: string;
  template: string;
}

export interface CompiledRoute<R extends TemplateRoute> {
  route: R;
  segs: string[];
}

export interface TemplateMatch<R extends TemplateRoute> {
  route: R;
  params: Record<string, string>;
}

export function compileRoutes<R extends TemplateRoute>(routes: readonly R[]): CompiledRoute<R>[] {
  return routes.map((route) => ({ route, segs: route.template.split('/').filter(Boolean) }));
}

/** A path's segments, decoded (the form findRoute matches). */
export function pathSegments(path: string): string[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
}

/**
 * The route of `method` whose template matches `segs` (the most literal segments wins; `acceptParam` may refuse a
 * value for a parameter). `methodMismatch` tells a path some route has for another method (a 405) from a 404.
 */
export function findRoute<R extends TemplateRoute>(
  compiled: readonly CompiledRoute<R>[],
  method: string,
  segs: readonly string[],
  acceptParam: (param: string, value: string) => boolean = () => true,
): { match: TemplateMatch<R> | null; methodMismatch: boolean } {
  let best: (TemplateMatch<R> & { literals: number }) | null = null;
  let pathExists = false;
  for (const { route, segs: t } of compiled) {
    if (t.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let okSeg = true;
    for (let i = 0; i < t.length; i++) {
      if (t[i].startsWith(':')) {
        if (!acceptParam(t[i], segs[i])) {
          okSeg = false;
          break;
        }
        params[t[i].slice(1)] = segs[i];
      } else if (t[i] === segs[i]) {
        literals++;
      } else {
        okSeg = false;
        break;
      }
    }
    if (!okSeg) continue;
    pathExists = true;
    if (route.method !== method) continue;
    if (!best || literals > best.literals) best = { route, params, literals };
  }
  return { match: best ? { route: best.route, params: best.params } : null, methodMismatch: !best && pathExists };
}
