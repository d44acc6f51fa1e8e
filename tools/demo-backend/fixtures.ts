// In-memory data the demo backend serves: what the website backend would find in its database and in Stripe.
// Every value is made up; dates are fixed so tests and screenshots stay stable.

/** `SubscriptionInfo` of contract 1.0, as the backend serialises it. */
export interface SubscriptionInfo {
  subscription_id: string;
  customer_id: string;
  status: 'active' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'past_due' | 'trialing' | 'unpaid';
  subscription_type: 'monthly' | 'yearly';
  current_period_start: string;
  current_period_end: string;
  cancel_at_period_end: boolean;
  amount: number;
  currency: string;
}

/** `InvoiceInfo` of contract 1.0 (`amount` is the amount paid, so 0 for an unpaid invoice). */
export interface InvoiceInfo {
  invoice_id: string;
  amount: number;
  currency: string;
  status: 'paid' | 'open' | 'void' | 'uncollectible' | 'draft';
  created: string;
  invoice_pdf: string | null;
}

/** An invoice as stored here; `payment_intent: null` makes a refund answer "No payment intent found for this invoice". */
export interface DemoInvoice extends InvoiceInfo {
  payment_intent?: string | null;
}

export interface DemoUser {
  /** Short handle used in tests, the sandbox and the id remap (`{ alice: '...' }`). */
  name: string;
  /** Discord snowflake: the key the backend looks everything up by. */
  discordId: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  /** Stripe customer; null means every billing endpoint answers "no customer". */
  customerId: string | null;
  subscription: SubscriptionInfo | null;
  invoices: DemoInvoice[];
  /** Not served by the backend: tells the Discord simulator and the sandbox whether the user is a guild member. */
  inGuild: boolean;
  /** Not served by the backend: a Moddy staff member (admin commands). */
  staff: boolean;
}

/** The demo backend's data, keyed by Discord id. */
export type DemoFixtures = Record<string, DemoUser>;

export type DemoUserName = 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'frank' | 'admin';

/** Stable 18-digit snowflakes of the default fixture users. */
export const DEMO_USER_IDS: Readonly<Record<DemoUserName, string>> = Object.freeze({
  alice: '400000000000000001',
  bob: '400000000000000002',
  carol: '400000000000000003',
  dave: '400000000000000004',
  erin: '400000000000000005',
  frank: '400000000000000006',
  admin: '400000000000000009',
});

/** A well-formed snowflake that no fixture uses: every endpoint answers "not found" for it. */
export const UNKNOWN_DISCORD_ID = '400000000000000999';

const PDF_BASE = 'https://pay.moddy.example/invoice/';

function invoice(
  id: string,
  created: string,
  status: InvoiceInfo['status'],
  price: number,
  pdf = true,
  currency = 'eur',
): DemoInvoice {
  return {
    invoice_id: id,
    amount: status === 'paid' ? price : 0,
    currency,
    status,
    created,
    invoice_pdf: pdf ? `${PDF_BASE}${id}.pdf` : null,
    payment_intent: status === 'paid' ? `pi_${id.slice(3)}` : null,
  };
}

/** Monthly timestamps going back from `newest` (YYYY-MM-DD), newest first. */
function monthsBack(newest: string, count: number): string[] {
  const [y, m, d] = newest.split('-').map(Number) as [number, number, number];
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(y, m - 1 - i, d));
    return `${date.toISOString().slice(0, 10)}T09:00:00+00:00`;
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value as Record<string, unknown>).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Active yearly Moddy Max, 99.00 EUR, two paid years. */
export const ALICE: DemoUser = deepFreeze({
  name: 'alice',
  discordId: DEMO_USER_IDS.alice,
  email: 'alice@moddy.example',
  createdAt: '2025-02-27T18:04:11+00:00',
  updatedAt: '2026-03-01T09:00:05+00:00',
  customerId: 'cus_DemoAlice00001',
  subscription: {
    subscription_id: 'sub_1DemoAliceYear01',
    customer_id: 'cus_DemoAlice00001',
    status: 'active',
    subscription_type: 'yearly',
    current_period_start: '2026-03-01T09:00:00+00:00',
    current_period_end: '2027-03-01T09:00:00+00:00',
    cancel_at_period_end: false,
    amount: 9900,
    currency: 'eur',
  },
  invoices: [
    invoice('in_1DemoAlice0002', '2026-03-01T09:00:00+00:00', 'paid', 9900),
    invoice('in_1DemoAlice0001', '2025-03-01T09:00:00+00:00', 'paid', 9900),
  ],
  inGuild: true,
  staff: false,
});

/** Active monthly 9.99 EUR, cancels at period end, six paid invoices. */
export const BOB: DemoUser = deepFreeze({
  name: 'bob',
  discordId: DEMO_USER_IDS.bob,
  email: 'bob@moddy.example',
  createdAt: '2026-06-09T20:31:45+00:00',
  updatedAt: '2026-11-18T07:12:30+00:00',
  customerId: 'cus_DemoBob000001',
  subscription: {
    subscription_id: 'sub_1DemoBobMonth01',
    customer_id: 'cus_DemoBob000001',
    status: 'active',
    subscription_type: 'monthly',
    current_period_start: '2026-11-10T09:00:00+00:00',
    current_period_end: '2026-12-10T09:00:00+00:00',
    cancel_at_period_end: true,
    amount: 999,
    currency: 'eur',
  },
  invoices: monthsBack('2026-11-10', 6).map((created, i) =>
    invoice(`in_1DemoBob${String(6 - i).padStart(6, '0')}`, created, 'paid', 999),
  ),
  inGuild: true,
  staff: false,
});

/** A normal customer with an active monthly subscription who is not (or no longer) in the Discord guild. */
export const CAROL: DemoUser = deepFreeze({
  name: 'carol',
  discordId: DEMO_USER_IDS.carol,
  email: 'carol@moddy.example',
  createdAt: '2026-09-19T11:02:00+00:00',
  updatedAt: '2026-11-20T09:00:04+00:00',
  customerId: 'cus_DemoCarol00001',
  subscription: {
    subscription_id: 'sub_1DemoCarolMon01',
    customer_id: 'cus_DemoCarol00001',
    status: 'active',
    subscription_type: 'monthly',
    current_period_start: '2026-11-20T09:00:00+00:00',
    current_period_end: '2026-12-20T09:00:00+00:00',
    cancel_at_period_end: false,
    amount: 999,
    currency: 'eur',
  },
  invoices: monthsBack('2026-11-20', 3).map((created, i) =>
    invoice(`in_1DemoCarol${String(3 - i).padStart(4, '0')}`, created, 'paid', 999),
  ),
  inGuild: false,
  staff: false,
});

/** Monthly subscription `past_due`: the newest invoice is open (payment failed), older ones paid. */
export const DAVE: DemoUser = deepFreeze({
  name: 'dave',
  discordId: DEMO_USER_IDS.dave,
  email: 'dave@moddy.example',
  createdAt: '2026-08-30T16:45:12+00:00',
  updatedAt: '2026-11-05T09:00:09+00:00',
  customerId: 'cus_DemoDave000001',
  subscription: {
    subscription_id: 'sub_1DemoDaveMonth1',
    customer_id: 'cus_DemoDave000001',
    status: 'past_due',
    subscription_type: 'monthly',
    current_period_start: '2026-11-05T09:00:00+00:00',
    current_period_end: '2026-12-05T09:00:00+00:00',
    cancel_at_period_end: false,
    amount: 999,
    currency: 'eur',
  },
  invoices: [
    invoice('in_1DemoDave000003', '2026-11-05T09:00:00+00:00', 'open', 999),
    invoice('in_1DemoDave000002', '2026-10-05T09:00:00+00:00', 'paid', 999),
    invoice('in_1DemoDave000001', '2026-09-05T09:00:00+00:00', 'paid', 999),
  ],
  inGuild: true,
  staff: false,
});

/** Has a website account and a Stripe customer, but never subscribed: no subscription, no invoices. */
export const ERIN: DemoUser = deepFreeze({
  name: 'erin',
  discordId: DEMO_USER_IDS.erin,
  email: 'erin@moddy.example',
  createdAt: '2026-10-02T08:15:00+00:00',
  updatedAt: '2026-10-02T08:15:00+00:00',
  customerId: 'cus_DemoErin000001',
  subscription: null,
  invoices: [],
  inGuild: true,
  staff: false,
});

// Frank's 30 months, newest first: mostly paid, a few open, void and uncollectible, some without a PDF.
const FRANK_STATUS: Record<number, InvoiceInfo['status']> = {
  3: 'open',
  7: 'void',
  11: 'open',
  14: 'void',
  18: 'uncollectible',
  22: 'void',
  26: 'open',
};
const FRANK_NO_PDF = new Set([7, 9, 14, 22, 27]);

/** Active monthly subscriber with 30 invoices (more than one page of 10 and of 25). */
export const FRANK: DemoUser = deepFreeze({
  name: 'frank',
  discordId: DEMO_USER_IDS.frank,
  email: 'frank@moddy.example',
  createdAt: '2024-06-14T22:10:31+00:00',
  updatedAt: '2026-11-15T09:00:02+00:00',
  customerId: 'cus_DemoFrank00001',
  subscription: {
    subscription_id: 'sub_1DemoFrankMon01',
    customer_id: 'cus_DemoFrank00001',
    status: 'active',
    subscription_type: 'monthly',
    current_period_start: '2026-11-15T09:00:00+00:00',
    current_period_end: '2026-12-15T09:00:00+00:00',
    cancel_at_period_end: false,
    amount: 999,
    currency: 'eur',
  },
  invoices: monthsBack('2026-11-15', 30).map((created, i) =>
    invoice(
      `in_1DemoFrank${String(30 - i).padStart(4, '0')}`,
      created,
      FRANK_STATUS[i] ?? 'paid',
      999,
      !FRANK_NO_PDF.has(i),
    ),
  ),
  inGuild: true,
  staff: false,
});

/** Moddy staff member: website account, no Stripe customer, no subscription. */
export const ADMIN: DemoUser = deepFreeze({
  name: 'admin',
  discordId: DEMO_USER_IDS.admin,
  email: 'staff@moddy.example',
  createdAt: '2024-01-10T10:00:00+00:00',
  updatedAt: '2026-11-01T12:00:00+00:00',
  customerId: null,
  subscription: null,
  invoices: [],
  inGuild: true,
  staff: true,
});

/** The default users, in a stable order. */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([ALICE, BOB, CAROL, DAVE, ERIN, FRANK, ADMIN]);

/** A mutable deep copy of a user. */
export function cloneUser(user: DemoUser): DemoUser {
  return JSON.parse(JSON.stringify(user)) as DemoUser;
}

/** A fresh, mutable copy of the default fixtures, keyed by Discord id. */
export function defaultFixtures(): DemoFixtures {
  return Object.fromEntries(DEMO_USERS.map((u) => [u.discordId, cloneUser(u)]));
}

const SNOWFLAKE = /^[0-9]{17,20}$/;

/**
 * Gives fixture users other Discord ids (e.g. the simulator's), by name: `{ alice: '1234...' }`.
 * Returns a new fixtures object; throws on an unknown name, a malformed id or two users on one id.
 */
export function remapFixtures(fixtures: DemoFixtures, ids: Readonly<Record<string, string>>): DemoFixtures {
  const users = Object.values(fixtures).map(cloneUser);
  for (const [name, id] of Object.entries(ids)) {
    const user = users.find((u) => u.name === name);
    if (!user) throw new Error(`remap: no fixture user named "${name}"`);
    if (!SNOWFLAKE.test(id)) throw new Error(`remap: "${id}" for ${name} is not a Discord snowflake`);
    user.discordId = id;
  }
  const result: DemoFixtures = {};
  for (const user of users) {
    const other = result[user.discordId];
    if (other) throw new Error(`remap: ${other.name} and ${user.name} would share Discord id ${user.discordId}`);
    result[user.discordId] = user;
  }
  return result;
}
