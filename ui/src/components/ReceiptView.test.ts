import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CopyOutput, Delivery, Receipt } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { RECEIPT_SIZES } from '../lib/receipt';
import ReceiptView from './ReceiptView.svelte';

const SALE: Receipt = {
  company_name: 'Butiken AB',
  org_number: '556677-8899',
  address: 'Storgatan 1',
  register_id: 'KASSA-1',
  receipt_no: 12,
  date_time: '2025-03-01 14:05:09',
  lines: [
    { name: 'Mjölk', detail: '', amount: '14.90' },
    { name: 'Bananer', detail: '0,452 kg à 24,90/kg', amount: '11.25' },
  ],
  total: '26.15',
  rounding: '-0.15',
  vat: [{ rate_percent: '12', gross: '26.15', vat: '2.80', net: '23.35' }],
  vat_total: '2.80',
  payments: [{ label: 'Kontant', amount: '26.00', tendered: '50.00', change: '24.00', reference: null }],
  control: { status: 'registered', unit: 'CU-SIM-0001', code: 'A1B2-C3D4-E5F6' },
  cashier: 'Kalle',
  kind: 'sale',
  copy: false,
  electronic: false,
  original_receipt_no: null,
};

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(
  receipt: Receipt,
  extra: { delivery?: Delivery | null; copy?: { receipt: Receipt; delivery: Delivery } | null; oncopy?: (output: CopyOutput) => void } = {},
): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(ReceiptView, { target: container, props: { receipt, onnewsale: vi.fn(), oncopy: vi.fn(), ...extra } });
  flushSync();
}

const query = (testId: string, root: ParentNode = container) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
const all = (testId: string, root: ParentNode = container) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
const text = (testId: string, root: ParentNode = container) => (query(testId, root)?.textContent ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
const rem = (size: string) => {
  expect(size).toMatch(/^\d+(\.\d+)?rem$/);
  return Number.parseFloat(size);
};

/** The marks on the paper, and the size of every amount on it (all sizes are inline, in rem). */
function sizes(paper: HTMLElement): { marks: number[]; amounts: number[] } {
  return {
    marks: all('receipt-mark', paper).map((m) => rem(m.style.fontSize)),
    amounts: [...paper.querySelectorAll<HTMLElement>('.num')].map((n) => rem(n.style.fontSize)),
  };
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

describe('ReceiptView: the marks', () => {
  const cases: { name: string; receipt: Receipt; marks: string[]; label: string }[] = [
    { name: 'a copy', receipt: { ...SALE, copy: true }, marks: ['KOPIA'], label: 'Kvitto nr' },
    { name: 'a training receipt', receipt: { ...SALE, kind: 'training' }, marks: ['ÖVNINGSKVITTO'], label: 'Övningskvitto nr' },
    { name: 'a pro forma receipt', receipt: { ...SALE, kind: 'pro_forma', payments: [] }, marks: ['EJ KVITTO'], label: 'Proforma nr' },
    {
      name: 'a return',
      receipt: { ...SALE, kind: 'return', total: '-26.15', original_receipt_no: 9 },
      marks: ['RETUR'],
      label: 'Kvitto nr',
    },
    {
      name: 'the copy of a return',
      receipt: { ...SALE, kind: 'return', copy: true, original_receipt_no: 9 },
      marks: ['KOPIA', 'RETUR'],
      label: 'Kvitto nr',
    },
  ];

  for (const c of cases) {
    it(`marks ${c.name} at the top and the bottom, at least twice the size of any amount`, () => {
      render(c.receipt);
      const paper = query('receipt')!;
      expect(all('receipt-mark', query('receipt-marks-top')!).map((m) => m.textContent?.trim())).toEqual(c.marks);
      expect(all('receipt-mark', query('receipt-marks-bottom')!).map((m) => m.textContent?.trim())).toEqual(c.marks);
      // The marks open and close the paper.
      expect(paper.firstElementChild).toBe(query('receipt-marks-top'));
      expect(paper.lastElementChild).toBe(query('receipt-marks-bottom'));
      expect(text('receipt-no-label')).toBe(c.label);

      const { marks, amounts } = sizes(paper);
      expect(marks).toHaveLength(c.marks.length * 2);
      expect(amounts.length).toBeGreaterThanOrEqual(6);
      const largestAmount = Math.max(...amounts);
      for (const mark of marks) expect(mark).toBeGreaterThanOrEqual(2 * largestAmount);
      // Screen language never changes the receipt.
      expect(paper.getAttribute('lang')).toBe('sv');
    });
  }

  it('keeps the chosen sizes: marks 2.4rem, amounts 1rem, the total 1.15rem', () => {
    expect(RECEIPT_SIZES).toEqual({ amount: '1rem', total: '1.15rem', mark: '2.4rem' });
    expect(rem(RECEIPT_SIZES.mark)).toBeGreaterThanOrEqual(2 * Math.max(rem(RECEIPT_SIZES.amount), rem(RECEIPT_SIZES.total)));
    render({ ...SALE, copy: true });
    expect(query('receipt-total')!.style.fontSize).toBe(RECEIPT_SIZES.total);
    expect(all('receipt-amount')[0]!.style.fontSize).toBe(RECEIPT_SIZES.amount);
    expect(all('receipt-mark')[0]!.style.fontSize).toBe(RECEIPT_SIZES.mark);
  });

  it('has no mark on a sale receipt', () => {
    render(SALE);
    expect(all('receipt-mark')).toHaveLength(0);
    expect(text('receipt')).toContain('Tack för besöket!');
  });

  it('says which receipt a return is against', () => {
    render({ ...SALE, kind: 'return', total: '-26.15', original_receipt_no: 9 });
    expect(text('receipt-original')).toBe('Retur av kvitto nr 9');
    expect(text('refund-total')).toBe('26,15\u00a0kr');
    expect(container.querySelector('#sale-complete-title')?.textContent).toBe('Returen är klar');
    expect(query('change-due')).toBeNull();
  });
});

describe('ReceiptView: the control unit', () => {
  it('shows the unit and the control code of a registered receipt', () => {
    render(SALE);
    expect(text('control-unit')).toBe('Kontrollenhet CU-SIM-0001');
    expect(text('control-code')).toBe('Kontrollkod A1B2-C3D4-E5F6');
  });

  it('says plainly when a receipt is not registered in the control unit', () => {
    render({ ...SALE, control: { status: 'not_registered', outage: 3 } });
    expect(query('control-unit')!.dataset.status).toBe('not_registered');
    expect(text('control-unit')).toContain('EJ REGISTRERAT I KONTROLLENHET');
    expect(query('control-code')).toBeNull();
  });

  it('says when no control unit is connected', () => {
    render({ ...SALE, control: null });
    expect(text('control-unit')).toBe('Ingen kontrollenhet ansluten');
  });

  it('stays Swedish in English', () => {
    locale.set('en');
    render({ ...SALE, kind: 'training' });
    expect(text('receipt-no-label')).toBe('Övningskvitto nr');
    expect(text('control-code')).toBe('Kontrollkod A1B2-C3D4-E5F6');
    expect(text('new-sale')).toContain('New sale');
  });
});

describe('ReceiptView: delivery and the copy', () => {
  it('shows where an e-receipt was saved, or what went wrong, in the screen language', () => {
    render({ ...SALE, electronic: true }, { delivery: { printed: false, file: '/tmp/kvitto-12.pdf', problem: null, problem_sv: null } });
    expect(text('delivery')).toBe('Kvittot sparades som fil: /tmp/kvitto-12.pdf');
    expect(text('receipt-electronic')).toBe('Elektroniskt kassakvitto');
    unmount(view!);
    container.remove();

    locale.set('en');
    render(SALE, { delivery: { printed: false, file: null, problem: 'The printer did not answer', problem_sv: 'Skrivaren svarade inte' } });
    expect(text('delivery-problem')).toBe('The printer did not answer');
    locale.set('sv');
    flushSync();
    expect(text('delivery-problem')).toBe('Skrivaren svarade inte');
  });

  it('offers a copy on paper or as a file for sales and returns only', () => {
    const oncopy = vi.fn();
    render(SALE, { oncopy });
    query('copy-paper')!.click();
    query('copy-file')!.click();
    expect(oncopy.mock.calls).toEqual([['paper'], ['file']]);
    expect(query('copy-paper')!.getAttribute('aria-keyshortcuts')).toBe('K');

    for (const receipt of [
      { ...SALE, kind: 'training' as const },
      { ...SALE, kind: 'pro_forma' as const },
      { ...SALE, copy: true },
    ]) {
      unmount(view!);
      container.remove();
      render(receipt);
      expect(query('copy-paper')).toBeNull();
      expect(query('copy-file')).toBeNull();
    }
  });

  it('shows the copy beside the receipt, with KOPIA and its delivery', () => {
    render(SALE, { copy: { receipt: { ...SALE, copy: true }, delivery: { printed: true, file: null, problem: null, problem_sv: null } } });
    const copy = query('receipt-copy')!;
    expect(all('receipt-mark', copy).map((m) => m.textContent?.trim())).toEqual(['KOPIA', 'KOPIA']);
    expect(all('receipt-mark', query('receipt')!)).toHaveLength(0);
    expect(text('copy-delivery')).toBe('Kvittot är utskrivet.');
    // A copy carries no thanks.
    expect(text('receipt-copy')).not.toContain('Tack för besöket!');
  });
});
