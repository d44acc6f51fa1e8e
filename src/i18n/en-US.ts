/**
 * The English (en-US) catalogue: the reference every other language must match key for key.
 * `{name}` placeholders are filled by translate(); Discord markdown is allowed in values.
 */
export const enUS = {
  commands: {
    subscription: 'See your Moddy subscription',
    invoices: 'See your Moddy invoices',
    invoicesLimit: 'How many invoices to list (1 to 100, default 10)',
    admin: 'Moddy staff tools',
    adminSubscription: "See a member's subscription",
    adminInvoices: "See a member's invoices",
    adminUser: 'The member to look up',
  },
  subscription: {
    title: 'Your Moddy subscription',
    titleOf: 'Subscription of {user}',
    status: {
      active: '🟢 Active',
      trialing: '🔵 Trial',
      canceled: '⚫ Canceled',
      incomplete: '🟠 Incomplete',
      incomplete_expired: '⚫ Expired',
      past_due: '🟠 Payment overdue',
      unpaid: '🔴 Unpaid',
    },
    field: {
      status: 'Status',
      plan: 'Plan',
      price: 'Price',
      renews: 'Renews',
      ends: 'Ends',
    },
    price: {
      monthly: '{price} per month',
      yearly: '{price} per year',
    },
    cancelScheduled: 'Cancellation scheduled: the subscription ends {date} and will not renew.',
    pastDue: '⚠️ The last payment failed. Update the payment method to keep the premium perks.',
    none: 'You do not have a Moddy subscription yet. Subscribe on the website to unlock the premium perks.',
    noneOf: '{user} has no Moddy subscription.',
    button: {
      manage: 'Manage subscription',
      updatePayment: 'Update payment method',
      subscribe: 'Subscribe',
    },
  },
  invoices: {
    title: 'Your Moddy invoices',
    titleOf: 'Invoices of {user}',
    none: 'You have no invoices yet.',
    noneOf: '{user} has no invoices.',
    pdf: 'PDF',
    status: {
      paid: '✅ Paid',
      open: '🕒 Open',
      void: '⚫ Void',
      uncollectible: '🔴 Uncollectible',
      draft: '📝 Draft',
      other: '❔ {status}',
    },
    page: 'Page {page} of {pages} · {count} invoices',
    previous: 'Previous',
    next: 'Next',
    notYours: 'Only the person who ran this command can use these buttons.',
  },
  errors: {
    unavailable: 'Moddy billing is temporarily unavailable. Please try again in a moment.',
    misconfigured: 'The bot is misconfigured, so this cannot work right now. The team has been alerted.',
    unexpected: 'Something went wrong on our side. Please try again later.',
    staffOnly: 'This command is for Moddy staff only.',
    expired: 'These buttons have expired. Run the command again.',
  },
  plan: {
    free: 'Free',
    moddy_max: 'Moddy Max',
  },
  billingPeriod: {
    monthly: 'Monthly',
    yearly: 'Yearly',
  },
  notify: {
    title: {
      subscription_created: 'Welcome to {plan}!',
      subscription_updated: 'Your subscription was updated',
      subscription_cancelled: 'Your subscription was cancelled',
      plan_upgraded: 'Your plan was upgraded to {plan}',
      plan_downgraded: 'Your plan was changed to {plan}',
    },
    body: {
      subscription_created: 'Thank you for subscribing. Your premium perks are now active.',
      subscription_updated: 'The details of your subscription changed. Here is where it stands now.',
      subscription_cancelled:
        'Your subscription has been cancelled. You keep what you paid for until the end of the period.',
      plan_upgraded: 'Enjoy your new perks. They are active now.',
      plan_downgraded: 'Your plan change has been applied.',
    },
    field: {
      plan: 'Plan',
      billing: 'Billing',
      amount: 'Amount',
      periodEnd: 'Current period ends',
      message: 'Message',
    },
    footer: 'Moddy billing',
    product: 'Moddy',
  },
} as const;

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every catalogue has: the same keys as en-US, any strings. */
export type Catalogue = Widen<typeof enUS>;
