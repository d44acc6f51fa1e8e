import type { Catalogue } from './en-US';

/** Catalogue français. Typed against en-US, so a missing or extra key fails the build. */
export const fr: Catalogue = {
  plan: {
    free: 'Gratuit',
    moddy_max: 'Moddy Max',
  },
  billingPeriod: {
    monthly: 'Mensuel',
    yearly: 'Annuel',
  },
  notify: {
    title: {
      subscription_created: 'Bienvenue dans {plan} !',
      subscription_updated: 'Votre abonnement a été modifié',
      subscription_cancelled: 'Votre abonnement a été résilié',
      plan_upgraded: 'Votre offre passe à {plan}',
      plan_downgraded: 'Votre offre passe à {plan}',
    },
    body: {
      subscription_created: 'Merci pour votre abonnement. Vos avantages premium sont actifs dès maintenant.',
      subscription_updated: 'Les détails de votre abonnement ont changé. Voici où il en est.',
      subscription_cancelled:
        'Votre abonnement a été résilié. Vous gardez ce que vous avez payé jusqu’à la fin de la période.',
      plan_upgraded: 'Profitez de vos nouveaux avantages, ils sont actifs dès maintenant.',
      plan_downgraded: 'Le changement d’offre a été appliqué.',
    },
    field: {
      plan: 'Offre',
      billing: 'Facturation',
      amount: 'Montant',
      periodEnd: 'Fin de la période en cours',
      message: 'Message',
    },
    footer: 'Facturation Moddy',
    product: 'Moddy',
  },
};
