import type { Catalogue } from './en-US';

/** Catalogue français. Typed against en-US, so a missing or extra key fails the build. */
export const fr: Catalogue = {
  commands: {
    subscription: 'Voir votre abonnement Moddy',
    invoices: 'Voir vos factures Moddy',
    invoicesLimit: 'Nombre de factures à afficher (1 à 100, 10 par défaut)',
    admin: 'Outils de l’équipe Moddy',
    adminSubscription: 'Voir l’abonnement d’un membre',
    adminInvoices: 'Voir les factures d’un membre',
    adminUser: 'Le membre à consulter',
  },
  subscription: {
    title: 'Votre abonnement Moddy',
    titleOf: 'Abonnement de {user}',
    status: {
      active: '🟢 Actif',
      trialing: '🔵 Essai',
      canceled: '⚫ Résilié',
      incomplete: '🟠 Incomplet',
      incomplete_expired: '⚫ Expiré',
      past_due: '🟠 Paiement en retard',
      unpaid: '🔴 Impayé',
    },
    field: {
      status: 'Statut',
      plan: 'Formule',
      price: 'Prix',
      renews: 'Renouvellement',
      ends: 'Fin',
    },
    price: {
      monthly: '{price} par mois',
      yearly: '{price} par an',
    },
    cancelScheduled: 'Résiliation programmée : l’abonnement prend fin {date} et ne sera pas renouvelé.',
    pastDue: '⚠️ Le dernier paiement a échoué. Mettez à jour le moyen de paiement pour garder les avantages premium.',
    none: 'Vous n’avez pas encore d’abonnement Moddy. Abonnez-vous sur le site pour débloquer les avantages premium.',
    noneOf: '{user} n’a pas d’abonnement Moddy.',
    button: {
      manage: 'Gérer l’abonnement',
      updatePayment: 'Mettre à jour le paiement',
      subscribe: 'S’abonner',
    },
  },
  invoices: {
    title: 'Vos factures Moddy',
    titleOf: 'Factures de {user}',
    none: 'Vous n’avez encore aucune facture.',
    noneOf: '{user} n’a aucune facture.',
    pdf: 'PDF',
    status: {
      paid: '✅ Payée',
      open: '🕒 En attente',
      void: '⚫ Annulée',
      uncollectible: '🔴 Irrécouvrable',
      draft: '📝 Brouillon',
      other: '❔ {status}',
    },
    page: 'Page {page} sur {pages} · {count} factures',
    previous: 'Précédent',
    next: 'Suivant',
    notYours: 'Seule la personne qui a lancé la commande peut utiliser ces boutons.',
  },
  errors: {
    unavailable: 'La facturation Moddy est momentanément indisponible. Réessayez dans un instant.',
    misconfigured: 'Le bot est mal configuré, cela ne peut pas fonctionner pour le moment. L’équipe a été prévenue.',
    unexpected: 'Un problème est survenu de notre côté. Réessayez plus tard.',
    staffOnly: 'Cette commande est réservée à l’équipe Moddy.',
    expired: 'Ces boutons ont expiré. Relancez la commande.',
  },
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
