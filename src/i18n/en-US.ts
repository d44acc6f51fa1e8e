/**
 * The English (en-US) catalogue: the reference every other language must match key for key.
 * `{name}` placeholders are filled by translate(); Discord markdown is allowed in values.
 */
export const enUS = {
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
