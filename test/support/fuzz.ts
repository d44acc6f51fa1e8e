import fc from 'fast-check';

/**
 * The property-based suites' size: 300 cases per property in `npm test`, FUZZ_RUNS in `npm run fuzz`
 * (10,000). FUZZ_SEED replays a failing run: fast-check prints its seed (and path) when a property fails.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Jest's timeout for one property: generous per case, since a long run is the point. */
export const FUZZ_TIMEOUT_MS = FUZZ_RUNS * 100 + 60_000;
const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** With FUZZ_SEED, replays only the printed counterexample (`path`) instead of the whole run and its shrinking. */
const FUZZ_PATH = process.env.FUZZ_PATH;

/** Run parameters for fc.assert: the size above, the seed to replay when given, and the seed always printed. */
export function fuzzParameters<T>(name: string, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  const seed = FUZZ_SEED ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  // Printed up front in the long run (straight to stderr: jest holds console lines until a file ends), so
  // an interrupted or hung run can be replayed too.
  if (process.env.FUZZ_RUNS) process.stderr.write(`${name}: ${FUZZ_RUNS} cases, FUZZ_SEED=${seed}\n`);
  const replay = FUZZ_SEED !== undefined && FUZZ_PATH ? { path: FUZZ_PATH, endOnFailure: true } : {};
  return { numRuns: FUZZ_RUNS, seed, ...extra, ...replay };
}

/** Text that is hard to show: right-to-left, combining marks, emoji sequences, bidi overrides, controls. */
const ODD_PIECES = [
  'مرحبا بالعالم',
  'שלום',
  'e\u0301\u0301\u0301',
  'Z\u0351\u0357\u0350a\u0306\u0327l\u0308g\u0301o',
  '👩🏽‍💻',
  '🇫🇷',
  '\u202e gnp.exe',
  '\u2066isolated\u2069',
  '\u200f\u200e',
  '\u0000\u0007\u001b[31m',
  '\u0085\u009b',
  '\r\n\t',
  '\ud83d',
  '**bold** _it_ `code` [link](https://example.com) <@123456789012345678> @everyone',
  '{amount} {user} $& $1',
  '﷽',
];

/** Any text up to `maxLength` UTF-16 units, often odd, sometimes exactly that long. */
export function oddText(maxLength: number): fc.Arbitrary<string> {
  const clipTo = (s: string) => s.slice(0, maxLength);
  return fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'grapheme', maxLength }).map(clipTo),
    fc.string({ unit: 'binary', maxLength }).map(clipTo),
    fc.array(fc.constantFrom(...ODD_PIECES), { maxLength: 40 }).map((pieces) => clipTo(pieces.join(' '))),
    fc.constantFrom(...ODD_PIECES).map((piece) => clipTo(piece.repeat(Math.ceil(maxLength / piece.length)))),
    fc.constant('x'.repeat(maxLength)),
  );
}

/** Every ISO currency Intl knows, Stripe's odd ones, and codes nobody knows. */
export const anyCurrency: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...Intl.supportedValuesOf('currency').map((c) => c.toLowerCase())),
  fc.constantFrom('jpy', 'kwd', 'bhd', 'isk', 'huf', 'idr', 'ugx', 'clp', 'eur'),
  fc.stringMatching(/^[a-z]{3}$/),
);
