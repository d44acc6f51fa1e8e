import type { InvoiceInfo } from './dto/invoice-info.dto';
import { buildInvoicesView, invoiceLine, invoicesButtonId } from './invoices.view';

const invoice = (n: number, extra: Partial<InvoiceInfo> = {}): InvoiceInfo => ({
  invoice_id: `in_${n}`,
  amount: 999,
  currency: 'eur',
  status: 'paid',
  created: `2024-${String(12 - (n % 12)).padStart(2, '0')}-01T00:00:00+00:00`,
  invoice_pdf: `https://pay.moddy.example/invoice/${n}.pdf`,
  ...extra,
});
const ref = { page: 0, ownerId: '111111111111111111', subjectId: '111111111111111111', limit: 10 };

describe('invoiceLine', () => {
  it('should show date, amount, status and PDF link', () => {
    expect(invoiceLine('en-US', invoice(1, { created: '2024-11-01T00:00:00+00:00' }))).toBe(
      '<t:1730419200:D> · **€9.99** · ✅ Paid · [PDF](https://pay.moddy.example/invoice/1.pdf)',
    );
    expect(
      invoiceLine(
        'fr',
        invoice(1, { created: '2024-11-01T00:00:00+00:00', status: 'open', invoice_pdf: null }),
      ).replace(/[\u00a0\u202f]/g, ' '),
    ).toBe('<t:1730419200:D> · **9,99 €** · 🕒 En attente');
  });

  it('should show an unknown status as it is, never undefined', () => {
    expect(invoiceLine('en-US', invoice(1, { status: 'refunded' }))).toContain('❔ refunded');
  });
});

describe('buildInvoicesView', () => {
  const thirty = Array.from({ length: 30 }, (_, i) => invoice(i));

  it('should show the first 5 of 30 with Previous disabled and Next enabled', () => {
    const view = buildInvoicesView('en-US', thirty, ref);
    expect(view.embeds[0].description?.split('\n')).toHaveLength(5);
    expect(view.embeds[0].footer?.text).toBe('Page 1 of 6 · 30 invoices');
    const [previous, next] = view.components[0].components;
    expect(previous).toMatchObject({
      label: '◀ Previous',
      disabled: true,
      custom_id: invoicesButtonId({ ...ref, page: -1 }),
    });
    expect(next).toMatchObject({ label: 'Next ▶', disabled: false, custom_id: invoicesButtonId({ ...ref, page: 1 }) });
  });

  it('should show the last page and clamp a page past the end', () => {
    const view = buildInvoicesView('fr', thirty, { ...ref, page: 99 });
    expect(view.embeds[0].footer?.text).toBe('Page 6 sur 6 · 30 factures');
    expect(view.embeds[0].description?.split('\n')).toHaveLength(5);
    expect(view.embeds[0].description).toContain('invoice/29.pdf');
    const [previous, next] = view.components[0].components;
    expect(previous).toMatchObject({ label: '◀ Précédent', disabled: false });
    expect(next).toMatchObject({ label: 'Suivant ▶', disabled: true });
  });

  it('should show no buttons for a single page', () => {
    expect(buildInvoicesView('en-US', thirty.slice(0, 5), ref).components).toEqual([]);
  });

  it('should answer kindly when there are no invoices', () => {
    expect(buildInvoicesView('en-US', [], ref).embeds[0].description).toBe('You have no invoices yet.');
    expect(buildInvoicesView('fr', [], ref, '<@2>').embeds[0].description).toBe('<@2> n’a aucune facture.');
  });

  it('should keep custom ids within Discord limits', () => {
    const id = invoicesButtonId({
      page: 19,
      ownerId: '12345678901234567890',
      subjectId: '12345678901234567890',
      limit: 100,
    });
    expect(id.length).toBeLessThanOrEqual(100);
  });
});
