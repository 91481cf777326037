import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { DayReport, JournalCheck, ReportKind, ReportView, Tally, ZSummary } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import ReportsView from './ReportsView.svelte';

// ---------------------------------------------------------------- fake api

const takeReport = vi.fn<Api['takeReport']>();
const zReports = vi.fn<Api['zReports']>();
const reprintZ = vi.fn<Api['reprintZ']>();
const verifyJournal = vi.fn<Api['verifyJournal']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { takeReport, zReports, reprintZ, verifyJournal } as unknown as Api;

const TALLY: Tally = {
  receipts: 3,
  sales: '1234.50',
  groups: { food: '1234.50' },
  vat: { '12': { gross: '1215.55', vat: '130.24' } },
  goods: 5,
  services: 0,
  methods: { cash: '1234.50' },
  scan_and_pay: 0,
  scan_and_pay_amount: '0.00',
  returns: 1,
  returns_amount: '18.95',
  refunds: { cash: '18.95' },
  discounts: '0.00',
  rounding: '0.00',
  copies: 0,
  copies_amount: '0.00',
  training: 0,
  training_amount: '0.00',
  pro_forma: 0,
  pro_forma_amount: '0.00',
  drawer_openings: 4,
  no_sale_openings: 0,
  unfinished: 0,
  unfinished_amount: '0.00',
  voids: 0,
  voids_amount: '0.00',
  floats: '500.00',
  paid_in: '0.00',
  paid_out: '0.00',
  cash: '1215.55',
  first_receipt: 1,
  last_receipt: 4,
};

function reportView(kind: ReportKind, number: number): ReportView {
  const report: DayReport = {
    kind,
    number,
    company_name: 'Demobutiken Storekeep AB',
    org_number: '559412-3456',
    register_id: 'KASSA-01',
    printed_at: '2026-03-02 18:05:00',
    from_seq: 1,
    to_seq: 9,
    tally: TALLY,
    grand: { sales: '5234.50', returns: '18.95', net: '5215.55' },
    by: { id: 1, name: 'Anna Lind' },
  };
  const label = kind === 'z' ? 'Z-DAGRAPPORT' : 'X-DAGRAPPORT';
  return { report, text: `${label}\n16 Returer\n     Antal     1\n` };
}

const Z_LIST: ZSummary[] = [
  { number: 2, business_date: '2026-03-01', grand: { sales: '4000.00', returns: '0.00', net: '4000.00' } },
  { number: 1, business_date: '2026-02-28', grand: { sales: '2000.00', returns: '0.00', net: '2000.00' } },
];

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(): Promise<void> {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(ReportsView, { target: container, props: { till: new Till(fakeApi) } });
  flushSync();
  await waitFor(() => expect(query('z-list-loading')).toBeNull());
}

/** Anywhere in the document: the confirmation is a modal. */
function query(testId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function text(testId: string): string {
  return (get(testId).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function click(testId: string): void {
  get(testId).click();
  flushSync();
}

function waitFor(assertion: () => void): Promise<void> {
  return vi.waitFor(
    () => {
      flushSync();
      assertion();
    },
    { timeout: 2000, interval: 5 },
  );
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  takeReport.mockReset();
  takeReport.mockImplementation(async (kind) => reportView(kind, 3));
  zReports.mockReset();
  zReports.mockResolvedValue(Z_LIST);
  reprintZ.mockReset();
  reprintZ.mockImplementation(async (number) => reportView('z', number));
  verifyJournal.mockReset();
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('reports view', () => {
  it('takes an X report and shows its text and a summary', async () => {
    await render();
    expect(query('report-text')).toBeNull();
    expect(text('report-take-x')).toBe('Ta X-rapport');
    click('report-take-x');
    await waitFor(() => expect(query('report-text')).not.toBeNull());
    expect(takeReport).toHaveBeenCalledWith('x');
    expect(get('report-text').tagName).toBe('PRE');
    expect(get('report-text').textContent).toBe('X-DAGRAPPORT\n16 Returer\n     Antal     1\n');
    expect(text('report-heading')).toBe('X-rapport (nästa Z-rapport får nummer 3)');
    expect(text('report-sales')).toBe('1 234,50 kr');
    expect(text('report-returns')).toBe('1 st, 18,95 kr');
    expect(text('report-grand-net')).toBe('5 215,55 kr');
    expect(query('z-confirm-dialog')).toBeNull();

    locale.set('en');
    flushSync();
    expect(text('report-heading')).toBe('X report (the next Z report gets number 3)');
    expect(text('report-take-z')).toBe('Take Z report (closes the day)');
  });

  it('asks before taking the Z report, and a cancel takes none', async () => {
    await render();
    click('report-take-z');
    expect(query('z-confirm-dialog')).not.toBeNull();
    expect(text('z-confirm-dialog')).toContain('stänger dagen');
    expect(takeReport).not.toHaveBeenCalled();

    click('z-confirm-cancel');
    expect(query('z-confirm-dialog')).toBeNull();
    expect(takeReport).not.toHaveBeenCalled();

    // Escape cancels too.
    click('report-take-z');
    get('z-confirm-dialog').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    flushSync();
    expect(query('z-confirm-dialog')).toBeNull();
    expect(takeReport).not.toHaveBeenCalled();
  });

  it('takes the Z report once confirmed and lists it with the earlier ones', async () => {
    await render();
    expect(zReports).toHaveBeenCalledTimes(1);
    click('report-take-z');
    click('z-confirm');
    await waitFor(() => expect(query('report-text')).not.toBeNull());
    expect(takeReport).toHaveBeenCalledTimes(1);
    expect(takeReport).toHaveBeenCalledWith('z');
    expect(query('z-confirm-dialog')).toBeNull();
    expect(text('report-heading')).toBe('Z-rapport nummer 3');
    expect(get('report-text').textContent).toContain('Z-DAGRAPPORT');
    // The list is read again with the new Z in it.
    await waitFor(() => expect(zReports).toHaveBeenCalledTimes(2));
  });

  it('says plainly that today’s Z is already taken', async () => {
    takeReport.mockRejectedValue({
      code: 'already_done',
      message: "Today's Z report (number 2) has already been taken: the day is closed.",
      message_sv: 'Dagens Z-rapport (nummer 2) är redan tagen: dagen är stängd.',
    });
    await render();
    click('report-take-z');
    click('z-confirm');
    await waitFor(() => expect(query('report-already-done')).not.toBeNull());
    expect(text('report-already-done')).toBe('Dagens Z-rapport (nummer 2) är redan tagen: dagen är stängd.');
    expect(query('error')).toBeNull();
    expect(query('report-text')).toBeNull();

    locale.set('en');
    flushSync();
    expect(text('report-already-done')).toContain('already been taken');
  });

  it('shows other refusals as errors', async () => {
    takeReport.mockRejectedValue({ code: 'not_allowed', message: 'Managers only.', message_sv: 'Bara chefer.' });
    await render();
    click('report-take-x');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toBe('Bara chefer.');
    expect(query('report-already-done')).toBeNull();
  });

  it('lists the earlier Z reports and shows one again (which is logged)', async () => {
    await render();
    const rows = container.querySelectorAll('[data-testid="z-row"]');
    expect(rows).toHaveLength(2);
    const first = (rows[0].textContent ?? '').replace(/\s+/g, ' ');
    expect(first).toContain('2026-03-01');
    expect(first).toContain('4 000,00 kr');
    expect(text('z-list')).toContain('registreras i journalen');

    const again = container.querySelector<HTMLButtonElement>('[data-z-number="1"] [data-testid="z-show-again"]')!;
    expect(again.getAttribute('aria-label')).toBe('Visa Z-rapport nummer 1 igen');
    again.click();
    await waitFor(() => expect(query('report-text')).not.toBeNull());
    expect(reprintZ).toHaveBeenCalledWith(1);
    expect(takeReport).not.toHaveBeenCalled();
    expect(text('report-heading')).toBe('Z-rapport nummer 1, visad igen');
  });

  it('says when no Z report has been taken', async () => {
    zReports.mockResolvedValue([]);
    await render();
    expect(text('z-list-empty')).toBe('Ingen Z-rapport är tagen än.');
  });

  it('verifies the journal and shows the counts and grand totals', async () => {
    const ok: JournalCheck = {
      entries: 12,
      receipts: 4,
      reports: 2,
      grand: { sales: '5234.50', returns: '18.95', net: '5215.55' },
      problem: null,
    };
    verifyJournal.mockResolvedValue(ok);
    await render();
    expect(text('journal-verify')).toBe('Kontrollera journalen');
    click('journal-verify');
    await waitFor(() => expect(query('journal-result')).not.toBeNull());
    expect(text('journal-ok')).toBe('Journalen är hel.');
    expect(text('journal-entries')).toBe('12');
    expect(text('journal-receipts')).toBe('4');
    expect(text('journal-reports')).toBe('2');
    expect(text('journal-grand-net')).toBe('5 215,55 kr');
    expect(query('journal-problem')).toBeNull();
  });

  it('shows a broken journal’s problem in red', async () => {
    verifyJournal.mockResolvedValue({
      entries: 7,
      receipts: 3,
      reports: 0,
      grand: { sales: '100.00', returns: '0.00', net: '100.00' },
      problem: 'KASSA-01 #5: the hash does not match',
    });
    await render();
    click('journal-verify');
    await waitFor(() => expect(query('journal-problem')).not.toBeNull());
    expect(text('journal-problem')).toBe('Journalen har ett fel: KASSA-01 #5: the hash does not match');
    expect(get('journal-problem').classList.contains('problem')).toBe(true);
    expect(query('journal-ok')).toBeNull();
  });
});
