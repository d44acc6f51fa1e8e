import { ButtonStyle, ComponentType, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { SupportedLocale } from '../config/app-config';
import { discordTimestamp, formatMoney } from '../discord/format';
import { DISCORD_LIMITS, fitMessage, linkTarget } from '../discord/message-limits';
import type { MessageView } from '../discord/message-view';
import { translate } from '../i18n/i18n';
import type { InvoiceInfo } from './dto/invoice-info.dto';

export const INVOICES_PER_PAGE = 5;
const KNOWN_STATUSES = ['paid', 'open', 'void', 'uncollectible', 'draft'] as const;

/** What a page button carries: everything needed to render that page again, on any replica. */
export interface InvoicesPageRef {
  page: number;
  /** Who may press the buttons: the user who ran the command. */
  ownerId: string;
  /** Whose invoices these are (the owner, or the member staff looked up). */
  subjectId: string;
  limit: number;
}

/** `inv/<page>/<owner>/<subject>/<limit>`: at most 53 characters (Discord allows 100). */
export const INVOICES_BUTTON_PATTERN = 'inv/:page/:owner/:subject/:limit';
export const invoicesButtonId = (ref: InvoicesPageRef): string =>
  `inv/${ref.page}/${ref.ownerId}/${ref.subjectId}/${ref.limit}`;

function invoiceStatus(locale: SupportedLocale, status: string): string {
  return (KNOWN_STATUSES as readonly string[]).includes(status)
    ? translate(locale, `invoices.status.${status as (typeof KNOWN_STATUSES)[number]}`)
    : translate(locale, 'invoices.status.other', { status: status.slice(0, 32) });
}

/** One invoice as a line: date, amount, status badge, PDF link when there is one (and `withPdf`). */
export function invoiceLine(locale: SupportedLocale, invoice: InvoiceInfo, withPdf = true): string {
  const date = discordTimestamp(invoice.created, 'D') ?? invoice.created.slice(0, 10);
  const parts = [
    date,
    `**${formatMoney(locale, invoice.amount, invoice.currency)}**`,
    invoiceStatus(locale, invoice.status),
  ];
  const pdf = linkTarget(invoice.invoice_pdf);
  if (withPdf && pdf) parts.push(`[${translate(locale, 'invoices.pdf')}](${pdf})`);
  return parts.join(' · ');
}

/**
 * The lines of a page. Links are whole or absent, never cut: when the PDF links (up to 2,048 characters
 * each) would not fit Discord's 4,096 of a description, the longest ones are left out until the page fits.
 */
function pageText(locale: SupportedLocale, shown: InvoiceInfo[]): string {
  const withPdf = shown.map(() => true);
  const text = () => shown.map((invoice, i) => invoiceLine(locale, invoice, withPdf[i])).join('\n');
  const pdfLength = (i: number) => shown[i].invoice_pdf?.length ?? 0;
  const longestFirst = shown.map((_, i) => i).sort((a, b) => pdfLength(b) - pdfLength(a));
  for (const i of longestFirst) {
    if (text().length <= DISCORD_LIMITS.description) break;
    withPdf[i] = false;
  }
  return text();
}

/**
 * One page of `/invoices`: newest first (as the backend sends them), 5 per page, with Previous/Next.
 * `page` is clamped into range, so a stale button never shows an empty page.
 */
export function buildInvoicesView(
  locale: SupportedLocale,
  invoices: InvoiceInfo[],
  ref: InvoicesPageRef,
  subjectMention?: string,
): MessageView {
  const title = subjectMention
    ? translate(locale, 'invoices.titleOf', { user: subjectMention })
    : translate(locale, 'invoices.title');
  if (invoices.length === 0) {
    const text = subjectMention
      ? translate(locale, 'invoices.noneOf', { user: subjectMention })
      : translate(locale, 'invoices.none');
    return fitMessage({ embeds: [{ title, description: text, color: 0x4f545c }], components: [] });
  }
  const pages = Math.ceil(invoices.length / INVOICES_PER_PAGE);
  const page = Math.min(Math.max(ref.page, 0), pages - 1);
  const shown = invoices.slice(page * INVOICES_PER_PAGE, (page + 1) * INVOICES_PER_PAGE);
  const embed: APIEmbed = {
    title,
    color: 0x5865f2,
    description: pageText(locale, shown),
    footer: { text: translate(locale, 'invoices.page', { page: page + 1, pages, count: invoices.length }) },
  };
  if (pages === 1) return fitMessage({ embeds: [embed], components: [] });
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: invoicesButtonId({ ...ref, page: target }),
    disabled,
  });
  return fitMessage({
    embeds: [embed],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          button(`◀ ${translate(locale, 'invoices.previous')}`, page - 1, page === 0),
          button(`${translate(locale, 'invoices.next')} ▶`, page + 1, page === pages - 1),
        ],
      },
    ],
  });
}
