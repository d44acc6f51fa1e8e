import { ComponentType, type APIActionRowComponent, type APIButtonComponentWithURL } from 'discord.js';
import { buildInvoiceDm } from './invoice-dm';

const invoice = { amount: 9900, currency: 'eur', created: '2026-11-10T09:00:00Z', invoice_pdf: null };
const buttonsOf = (dm: ReturnType<typeof buildInvoiceDm>) =>
  ((dm.components ?? []) as APIActionRowComponent<APIButtonComponentWithURL>[]).flatMap((r) => r.components);

describe('buildInvoiceDm', () => {
  it('should carry a PDF link of up to 512 characters as a button', () => {
    const url = `https://pay.example/${'p'.repeat(400)}`;
    const dm = buildInvoiceDm('en-US', 'invoice_paid', { ...invoice, invoice_pdf: url });
    expect(buttonsOf(dm)).toEqual([expect.objectContaining({ type: ComponentType.Button, url })]);
  });

  it('should put a longer PDF link in the text, whole, since Discord refuses it on a button', () => {
    for (const length of [513, 2048]) {
      const url = `https://pay.example/${'p'.repeat(length - 'https://pay.example/'.length)}`;
      const dm = buildInvoiceDm('fr', 'invoice_paid', { ...invoice, invoice_pdf: url });
      expect(buttonsOf(dm)).toEqual([]);
      expect(dm.embeds![0].description).toContain(`[Télécharger la facture](${url})`);
    }
  });

  it('should say that nothing was charged for an invoice of 0, in every kind of currency', () => {
    const en = buildInvoiceDm('en-US', 'invoice_paid', { ...invoice, amount: 0 }).embeds![0];
    expect(en.title).toBe('Nothing to pay');
    expect(en.description).toMatch(/^This invoice comes to €0\.00, so nothing was charged/);
    const jpy = buildInvoiceDm('fr', 'invoice_paid', { ...invoice, amount: 0, currency: 'jpy' }).embeds![0];
    expect(jpy.title).toBe('Rien à payer');
    expect(jpy.description?.replace(/\u202f|\u00a0/g, ' ')).toMatch(
      /^Cette facture s’élève à 0 JPY : rien n’a été prélevé/,
    );
    const kwd = buildInvoiceDm('en-US', 'invoice_paid', { ...invoice, amount: 5125, currency: 'kwd' }).embeds![0];
    expect(kwd.description?.replace(/\u00a0/g, ' ')).toBe('Thank you for your payment of KWD 5.125.');
  });
});
