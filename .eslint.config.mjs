// Flat config kept as a dotfile so the top level stays as the layout asks (`npm run lint` passes it with -c).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/*
 * The layers of src/ (docs/architecture.md: Layout). A folder may import the folders listed before it in its
 * list, never one after it, so the graph has no cycle. The app root (src/*.ts) imports anything; test/, tools/
 * and the unit tests (the .spec.ts files of src/) are not checked.
 */
// Shared folders, bottom first. common/validation (class-validator building blocks, the snowflake pattern) is
// its own bottom layer, so config and the request DTOs check Discord ids with the same pattern.
const SHARED = ['validation', 'config', 'i18n', 'storage', 'common', 'observability', 'backend', 'discord', 'openapi'];
// Services the features use, above every shared folder, bottom first. role-truth, the role engine, is the
// top one: the features reach it only through its public surface, ENGINE_API (role-truth/index.ts).
const MIDDLE = ['members', 'events', 'dm', 'role-truth'];
const ENGINE_API = { element: { type: 'role-truth', fileInternalPath: 'index.ts' } };
// A feature imports no other feature, except along these edges (keep them without a cycle), and then only the
// files FEATURE_API lists: its module, the files of the providers its module exports, and public types.
const FEATURE_USES = {
  refunds: ['invoices'], // the invoice being refunded
  // the support desk shows a member's subscription, role results and refunds
  support: ['roles', 'subscription', 'refunds'],
};
const FEATURE_API = {
  subscription: ['subscription.module.ts', 'subscription.service.ts'],
  invoices: ['invoices.module.ts', 'invoices.client.ts', 'dto/invoice-info.dto.ts'],
  refunds: ['refunds.module.ts', 'refunds.repository.ts'],
  // The words of a role result: the support desk shows the same lines as /admin roles sync.
  roles: ['roles-sync.view.ts'],
};

/*
 * One owner per table: the only file that names the table in a query (Kysely's query builders, a queue's
 * `table:`, raw `sql`). Everything else calls the owner's methods. storage/ keeps the migrations and the
 * generic parts (the durable queue takes its table from the owner); the unit tests may read any table.
 * test/layers.spec.ts checks that every table of storage/tables.ts has an owner here.
 */
const LEDGER = 'src/role-truth/role-ledger.ts';
const REFUNDS = 'src/refunds/refunds.repository.ts';
const TABLE_OWNERS = {
  idempotency_keys: 'src/common/idempotency/idempotency.store.ts',
  signature_uses: 'src/common/guards/signature-uses.ts',
  leases: 'src/storage/leases.ts',
  store_probe: 'src/storage/database.service.ts',
  member_profiles: 'src/members/member-profiles.service.ts',
  outbound_events: 'src/events/outbound-events.ts',
  notifications: 'src/dm/notifications.repository.ts',
  member_roles: LEDGER,
  role_changes: LEDGER,
  pending_role_changes: LEDGER,
  member_checks: 'src/role-truth/member-checks.ts',
  premium_grants: 'src/role-truth/premium-grants.ts',
  role_sweeps: 'src/role-truth/role-sweeps.repository.ts',
  refund_confirmations: REFUNDS,
  refund_notices: REFUNDS,
  refund_audit: REFUNDS,
};
const QUERY_CALLS =
  'selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin';
/** no-restricted-syntax refusing a query of any of `tables` (ESLint replaces a rule's options per file). */
const tablesRefused = (tables) => [
  'error',
  ...tables.flatMap((table) => {
    const message = `The ${table} table belongs to ${TABLE_OWNERS[table]}: call its methods (docs/architecture.md: Layout).`;
    return [
      `CallExpression[callee.property.name=/^(${QUERY_CALLS})$/] > Literal[value=/^${table}( |$)/]`,
      `CallExpression[callee.object.name='sql'][callee.property.name='table'] > Literal[value='${table}']`,
      `Property[key.name='table'] > Literal[value='${table}']`,
      `TaggedTemplateExpression[tag.name='sql'] TemplateElement[value.raw=/\\b${table}\\b/]`,
    ].map((selector) => ({ selector, message }));
  }),
];
const TABLES = Object.keys(TABLE_OWNERS);
const tableOwnerConfigs = [
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/storage/**'],
    rules: { 'no-restricted-syntax': tablesRefused(TABLES) },
  },
  ...[...new Set(Object.values(TABLE_OWNERS))].map((owner) => ({
    files: [owner],
    rules: { 'no-restricted-syntax': tablesRefused(TABLES.filter((table) => TABLE_OWNERS[table] !== owner)) },
  })),
];

/** An element: the files of one folder (and its subfolders, unless one is an element of its own). */
const folder = (type, pattern = `src/${type}`) => ({ type, pattern, partialMatch: false });
const element = (type, captured) => ({ element: captured ? { type, captured } : { type } });
/** A policy letting `from` import the `to` elements (none when `to` is empty: the plugin refuses an empty list). */
const may = (from, to) => (to.length > 0 ? [{ from, allow: { to } }] : []);
const featureApi = (name) => ({
  element: { type: 'feature', captured: { name }, fileInternalPath: FEATURE_API[name] },
});
const elements = (types) => types.map((type) => element(type));
const layerPolicies = [
  ...SHARED.flatMap((type, i) => may(element(type), elements(SHARED.slice(0, i)))),
  ...MIDDLE.flatMap((type, i) => may(element(type), elements([...SHARED, ...MIDDLE.slice(0, i)]))),
  ...may(element('feature'), [...elements([...SHARED, ...MIDDLE.filter((type) => type !== 'role-truth')]), ENGINE_API]),
  ...Object.entries(FEATURE_USES).flatMap(([name, uses]) => may(element('feature', { name }), uses.map(featureApi))),
  ...may(element('app'), elements([...SHARED, ...MIDDLE, 'feature'])),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'tools/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // Production code only: a unit test may reach inside the folder it tests, as test/ does.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts'] } },
      'boundaries/elements': [
        folder('validation', 'src/common/validation'),
        ...[...SHARED.filter((type) => type !== 'validation'), ...MIDDLE].map((type) => folder(type)),
        { ...folder('feature', 'src/*'), capture: ['name'] }, // every other folder of src/
        folder('app', 'src'), // the files at the top of src/
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            '{{from.type}}{{#if from.captured.name}} {{from.captured.name}}{{/if}} may not import ' +
            '{{to.type}}{{#if to.captured.name}} {{to.captured.name}}{{/if}}: {{to.fileInternalPath}} (docs/architecture.md: Layout)',
          policies: layerPolicies,
        },
      ],
    },
  },
  ...tableOwnerConfigs,
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    // jest loads reporters as plain CommonJS
    files: ['test/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', process: 'readonly' } },
  },
);
