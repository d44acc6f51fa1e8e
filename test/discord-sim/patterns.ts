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
