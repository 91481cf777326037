import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ApiError, HoursView, Role } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { ANNA, KALLE, received, scanAndPayDay } from '../lib/testing/payments';
import { Till } from '../lib/till.svelte';
import ScanAndPayToken from './ScanAndPayToken.svelte';
import ScanAndPayView from './ScanAndPayView.svelte';

// ---------------------------------------------------------------- fixtures

const NOW = '2026-11-27T15:00:00Z';

const DAY = scanAndPayDay({
  purchases: [
    received('SP-3'),
    received(
      'SP-2',
      { checks: [{ id: 2, result: 'ok', note: null, by: KALLE, at: '2026-11-27T12:10:00Z' }] },
      { completed_at: '2026-11-27T12:05:00Z', payment: { provider: 'klarna', reference: 'KL-77' } },
    ),
    received(
      'SP-1',
      {
        source: 'file',
        checks: [
          { id: 1, result: 'ok', note: null, by: KALLE, at: '2026-11-27T09:10:00Z' },
          { id: 3, result: 'discrepancy', note: 'En vara oskannad', by: ANNA, at: '2026-11-27T09:12:00Z' },
        ],
      },
      { completed_at: '2026-11-27T09:05:00Z', total: '99.00' },
    ),
  ],
  total: '179.76',
  unchecked: 1,
  discrepancies: 1,
  endpoint_enabled: false,
});

const apiError = (code: ApiError['code'], message: string, message_sv: string): ApiError => ({ code, message, message_sv });

// ---------------------------------------------------------------- fake api

const scanAndPayDayMock = vi.fn<Api['scanAndPayDay']>();
const checkExit = vi.fn<Api['checkExit']>();
const importScanAndPay = vi.fn<Api['importScanAndPay']>();
const scanAndPayToken = vi.fn<Api['scanAndPayToken']>();
const hoursView = vi.fn<Api['hoursView']>();
const onPaymentsChanged = vi.fn<Api['onPaymentsChanged']>();

const fakeApi = {
  scanAndPayDay: scanAndPayDayMock,
  checkExit,
  importScanAndPay,
  scanAndPayToken,
  hoursView,
  onPaymentsChanged,
} as unknown as Api;

// ----------------------------------------------------------------- helpers

let page: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(role: Role = 'manager'): Promise<Till> {
  const till = new Till(fakeApi);
  till.session = { staff: { id: 1, name: 'Anna Lind', role, active: true }, idle_logout_seconds: 300 };
  container = document.createElement('div');
  document.body.appendChild(container);
  page = mount(ScanAndPayView, { target: container, props: { till } });
  flushSync();
  await waitFor(() => expect(query('scan-and-pay-loading')).toBeNull());
  return till;
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** A table row's cells, each as its words, joined by a space. */
function cells(element: Element): string {
  return [...element.querySelectorAll(':scope > th, :scope > td')].map((cell) => squash(cell.textContent)).join(' ');
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

function row(id: string): HTMLElement {
  const found = container.querySelector<HTMLElement>(`[data-testid="scan-and-pay-row"][data-id="${id}"]`);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

function inRow(id: string, testId: string): HTMLButtonElement {
  const found = row(id).querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`no ${testId} in row ${id}`);
  return found;
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function click(element: HTMLElement | string): void {
  (typeof element === 'string' ? get(element) : element).click();
  flushSync();
}

/** Picks a file in the file input (jsdom cannot type into one). */
function pick(file: File): void {
  const input = get('scan-and-pay-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
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
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  localStorage.clear();
  locale.set('sv');
  for (const mock of [scanAndPayDayMock, checkExit, importScanAndPay, scanAndPayToken, hoursView, onPaymentsChanged]) mock.mockReset();
  scanAndPayDayMock.mockResolvedValue(DAY);
  hoursView.mockResolvedValue({ feed_listening: '127.0.0.1:8787' } as HoursView);
  onPaymentsChanged.mockImplementation(async () => () => {});
});

afterEach(() => {
  if (page) unmount(page);
  page = null;
  container?.remove();
  vi.useRealTimers();
});

// ------------------------------------------------------------------- tests

describe('Scan & Pay: the day and the exit checks', () => {
  it('lists the day’s purchases in the backend’s order (newest first), with the check that stands', async () => {
    await render();
    expect(scanAndPayDayMock.mock.calls).toEqual([[null]]);
    const rows = [...container.querySelectorAll<HTMLElement>('[data-testid="scan-and-pay-row"]')];
    expect(rows.map((r) => [r.dataset.id, r.dataset.check])).toEqual([
      ['SP-3', 'none'],
      ['SP-2', 'ok'],
      ['SP-1', 'discrepancy'],
    ]);
    expect(squash(row('SP-1').textContent)).toContain('10:05');
    expect(squash(row('SP-1').textContent)).toContain('A-SP-1');
    expect(squash(row('SP-1').textContent)).toContain('99,00 kr');
    expect(squash(row('SP-1').querySelector('[data-testid="scan-and-pay-check"]')?.textContent)).toBe(
      '! Avvikelse – Anna Lind 10:12: En vara oskannad',
    );
    expect(squash(row('SP-3').querySelector('[data-testid="scan-and-pay-check"]')?.textContent)).toBe('Inte kontrollerat');
    expect(text('scan-and-pay-total')).toBe('179,76 kr');
    // The app's payment provider in words; one this screen does not know, as the app wrote it.
    expect(squash(row('SP-3').querySelector('[data-testid="scan-and-pay-provider"]')?.textContent)).toBe('Kort PAY-SP-3');
    expect(squash(row('SP-2').querySelector('[data-testid="scan-and-pay-provider"]')?.textContent)).toBe('klarna KL-77');
    expect(text('scan-and-pay-unchecked')).toBe('1');
    expect(text('scan-and-pay-discrepancies')).toBe('1');
  });

  it('shows a purchase’s lines on request', async () => {
    await render();
    const toggle = inRow('SP-3', 'scan-and-pay-lines-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(squash(toggle.textContent)).toBe('Visa varor (2)');
    expect(query('scan-and-pay-lines')).toBeNull();
    click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const lines = [...get('scan-and-pay-lines').querySelectorAll(':scope > tbody > tr')].map(cells);
    expect(lines).toEqual(['Mjölk 1,5 % 7310865004703 2 14,90 kr 12 % 29,80 kr', 'Bananer – 0,425 24,90 kr 12 % 10,58 kr']);
    click(toggle);
    expect(query('scan-and-pay-lines')).toBeNull();
  });

  it('marks a purchase with no discrepancy OK at once', async () => {
    await render();
    const after = { ...DAY, purchases: DAY.purchases.map((p) => (p.purchase.id === 'SP-3' ? { ...p, checks: [{ id: 4, result: 'ok' as const, note: null, by: ANNA, at: NOW }] } : p)), unchecked: 0 };
    checkExit.mockResolvedValue(after);
    click(inRow('SP-3', 'exit-ok'));
    await waitFor(() => expect(row('SP-3').dataset.check).toBe('ok'));
    expect(checkExit.mock.calls).toEqual([['SP-3', 'ok', '']]);
    expect(text('scan-and-pay-done')).toBe('Kvitto A-SP-3 är kontrollerat: OK.');
    expect(text('scan-and-pay-unchecked')).toBe('0');
  });

  it('needs a note for a discrepancy, then sends it', async () => {
    await render();
    click(inRow('SP-3', 'exit-discrepancy'));
    expect(text('exit-note-dialog')).toContain('Avvikelse på kvitto A-SP-3');
    expect(document.activeElement).toBe(get('exit-note'));
    click('exit-note-confirm');
    expect(text('exit-note-dialog')).toContain('Skriv vad som avvek.');
    typeInto('exit-note', '   ');
    click('exit-note-confirm');
    expect(checkExit).not.toHaveBeenCalled();

    const after = {
      ...DAY,
      purchases: DAY.purchases.map((p) =>
        p.purchase.id === 'SP-3' ? { ...p, checks: [{ id: 5, result: 'discrepancy' as const, note: 'Två ostar, en skannad', by: ANNA, at: NOW }] } : p,
      ),
      discrepancies: 2,
    };
    checkExit.mockResolvedValue(after);
    typeInto('exit-note', ' Två ostar, en skannad ');
    click('exit-note-confirm');
    await waitFor(() => expect(query('exit-note-dialog')).toBeNull());
    expect(checkExit.mock.calls).toEqual([['SP-3', 'discrepancy', 'Två ostar, en skannad']]);
    expect(row('SP-3').dataset.check).toBe('discrepancy');
    expect(text('scan-and-pay-discrepancies')).toBe('2');
  });

  it('keeps the note dialog with the backend’s refusal', async () => {
    await render();
    click(inRow('SP-2', 'exit-discrepancy'));
    checkExit.mockRejectedValue(apiError('not_allowed', 'Not allowed', 'Inte tillåtet'));
    typeInto('exit-note', 'Fel vara');
    click('exit-note-confirm');
    await waitFor(() => expect(text('exit-note-dialog')).toContain('Inte tillåtet'));
  });

  it('shows a cashier the checks but not the import or the token', async () => {
    await render('cashier');
    expect(query('scan-and-pay-row')).not.toBeNull();
    expect(query('exit-ok')).not.toBeNull();
    expect(query('scan-and-pay-file')).toBeNull();
    expect(query('scan-and-pay-token-new')).toBeNull();
    expect(hoursView).not.toHaveBeenCalled();
  });
});

/**
 * A key as the browser would take it: dispatched where the focus is; unless a handler
 * prevented it, a character is typed into a focused text field and Enter presses a focused
 * button (its click).
 */
function key(name: string): KeyboardEvent {
  const target = document.activeElement instanceof HTMLElement ? document.activeElement : document.body;
  const event = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  if (!event.defaultPrevented) {
    if (name.length === 1 && target instanceof HTMLInputElement) {
      // Typing replaces the selected text.
      const start = target.selectionStart ?? target.value.length;
      const end = target.selectionEnd ?? target.value.length;
      target.value = target.value.slice(0, start) + name + target.value.slice(end);
      target.setSelectionRange(start + 1, start + 1);
      target.dispatchEvent(new Event('input', { bubbles: true }));
    } else if (name === 'Enter' && target instanceof HTMLButtonElement) {
      target.click();
    }
  }
  flushSync();
  return event;
}

/** A keyboard-wedge scanner: the characters, then Enter, wherever the focus is. */
function scan(code: string): void {
  for (const char of code) key(char);
  key('Enter');
}

function findField(): HTMLInputElement {
  return get('scan-and-pay-find') as HTMLInputElement;
}

describe('Scan & Pay at the exit: the find field and the keys', () => {
  let scrolled: HTMLElement[] = [];

  beforeEach(() => {
    scrolled = [];
    // jsdom does not scroll; the page asks the picked row to come into view.
    Element.prototype.scrollIntoView = function (this: HTMLElement) {
      scrolled.push(this);
    } as typeof Element.prototype.scrollIntoView;
  });

  afterEach(() => {
    delete (Element.prototype as Partial<Element>).scrollIntoView;
  });

  it('has the focus on open, shows its keys, and picks the purchase scanned: highlighted, lines shown, in view', async () => {
    await render('cashier');
    expect(document.activeElement).toBe(findField());
    expect(text('scan-and-pay-keys')).toBe('Enter hitta köpet F5 OK för köpet som visas F6 avvikelse för köpet som visas');

    scan('A-SP-2');
    await waitFor(() => expect(row('SP-2').dataset.selected).toBe('true'));
    expect(row('SP-3').dataset.selected).toBe('false');
    expect(container.querySelector('#scan-and-pay-lines-SP-2 [data-testid="scan-and-pay-lines"]')).not.toBeNull();
    expect(inRow('SP-2', 'scan-and-pay-lines-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(text('scan-and-pay-found')).toBe('Kvitto A-SP-2: 13:05, 40,38 kr. OK – Kalle Karlsson 13:10. F5 = OK, F6 = avvikelse.');
    expect(inRow('SP-2', 'exit-ok').getAttribute('aria-keyshortcuts')).toBe('F5');
    await waitFor(() => expect(scrolled).toEqual([row('SP-2')]));
    // The focus stays for the next scan, which replaces the text.
    await waitFor(() => expect(document.activeElement).toBe(findField()));
    scan('sp-3');
    await waitFor(() => expect(row('SP-3').dataset.selected).toBe('true'));
    expect(findField().value).toBe('sp-3');
    expect(row('SP-2').dataset.selected).toBe('false');
    expect(checkExit).not.toHaveBeenCalled();
  });

  it('says clearly when nothing matches', async () => {
    await render();
    scan('A-999');
    await waitFor(() => expect(query('scan-and-pay-find-none')).not.toBeNull());
    expect(text('scan-and-pay-find-none')).toBe('Inget Scan & Pay-köp i dag har kvitto eller id ”A-999”.');
    expect(get('scan-and-pay-find-none').getAttribute('role')).toBe('alert');
    expect(container.querySelector('[data-selected="true"]')).toBeNull();
    expect(document.activeElement).toBe(findField());
    // F5 with nothing picked does nothing but say so.
    key('F5');
    expect(text('scan-and-pay-find-none')).toBe('Skanna kundens kvitto först: F5 och F6 gäller köpet som hittades.');
    expect(checkExit).not.toHaveBeenCalled();
  });

  it('F5 marks the picked purchase OK, and the focus is back in the find field', async () => {
    await render('cashier');
    const after = {
      ...DAY,
      purchases: DAY.purchases.map((p) => (p.purchase.id === 'SP-3' ? { ...p, checks: [{ id: 4, result: 'ok' as const, note: null, by: KALLE, at: NOW }] } : p)),
      unchecked: 0,
    };
    checkExit.mockResolvedValue(after);
    scan('A-SP-3');
    await waitFor(() => expect(row('SP-3').dataset.selected).toBe('true'));
    const f5 = key('F5');
    expect(f5.defaultPrevented).toBe(true);
    await waitFor(() => expect(row('SP-3').dataset.check).toBe('ok'));
    expect(checkExit.mock.calls).toEqual([['SP-3', 'ok', '']]);
    expect(text('scan-and-pay-done')).toBe('Kvitto A-SP-3 är kontrollerat: OK.');
    await waitFor(() => expect(document.activeElement).toBe(findField()));
  });

  it('F6 opens the picked purchase’s discrepancy note; afterwards the focus is back in the find field', async () => {
    await render('cashier');
    scan('A-SP-3');
    await waitFor(() => expect(row('SP-3').dataset.selected).toBe('true'));
    key('F6');
    expect(text('exit-note-dialog')).toContain('Avvikelse på kvitto A-SP-3');
    await waitFor(() => expect(document.activeElement).toBe(get('exit-note')));
    // Keys typed in the note stay there.
    key('x');
    expect((get('exit-note') as HTMLTextAreaElement).value).toBe('');
    expect(findField().value).toBe('A-SP-3');
    checkExit.mockResolvedValue(DAY);
    typeInto('exit-note', 'Två ostar, en skannad');
    click('exit-note-confirm');
    await waitFor(() => expect(query('exit-note-dialog')).toBeNull());
    expect(checkExit.mock.calls).toEqual([['SP-3', 'discrepancy', 'Två ostar, en skannad']]);
    await waitFor(() => expect(document.activeElement).toBe(findField()));
  });

  it('never lets a scan’s Enter press the row button that has the focus', async () => {
    await render('cashier');
    const ok = inRow('SP-2', 'exit-ok');
    ok.focus();
    expect(document.activeElement).toBe(ok);
    scan('A-SP-3');
    await waitFor(() => expect(row('SP-3').dataset.selected).toBe('true'));
    expect(checkExit).not.toHaveBeenCalled();
    expect(findField().value).toBe('A-SP-3');
    expect(document.activeElement).toBe(findField());
  });

  it('asks before marking OK a purchase whose check that stands is a discrepancy', async () => {
    await render('cashier');
    scan('A-SP-1');
    await waitFor(() => expect(row('SP-1').dataset.selected).toBe('true'));
    key('F5');
    await waitFor(() => expect(query('exit-ok-confirm-dialog')).not.toBeNull());
    expect(text('exit-ok-confirm-dialog')).toContain('Köpet har redan en avvikelse: Avvikelse – Anna Lind 10:12: En vara oskannad.');
    // The safe choice has the focus: a stray Enter cancels.
    await waitFor(() => expect(document.activeElement).toBe(get('exit-ok-cancel')));
    key('Enter');
    await waitFor(() => expect(query('exit-ok-confirm-dialog')).toBeNull());
    expect(checkExit).not.toHaveBeenCalled();
    await waitFor(() => expect(document.activeElement).toBe(findField()));

    // The row's own button asks too; confirmed, OK is sent.
    checkExit.mockResolvedValue(DAY);
    click(inRow('SP-1', 'exit-ok'));
    await waitFor(() => expect(query('exit-ok-confirm-dialog')).not.toBeNull());
    click('exit-ok-confirm');
    await waitFor(() => expect(checkExit.mock.calls).toEqual([['SP-1', 'ok', '']]));
    await waitFor(() => expect(query('exit-ok-confirm-dialog')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(findField()));
  });

  it('reads the day again on the payments event (a batch received) and keeps the purchase picked', async () => {
    let sendEvent: () => void = () => {};
    onPaymentsChanged.mockImplementation(async (handler) => {
      sendEvent = () => handler({} as never);
      return () => {};
    });
    await render('cashier');
    scan('A-SP-2');
    await waitFor(() => expect(row('SP-2').dataset.selected).toBe('true'));
    scanAndPayDayMock.mockResolvedValue({ ...DAY, purchases: [received('SP-4'), ...DAY.purchases] });
    sendEvent();
    await waitFor(() => expect(container.querySelectorAll('[data-testid="scan-and-pay-row"]')).toHaveLength(4));
    expect(row('SP-2').dataset.selected).toBe('true');
    expect(scanAndPayDayMock).toHaveBeenCalledTimes(2);
  });
});

describe('Scan & Pay: import and the endpoint', () => {
  it('lists every error of a rejected file: nothing was taken', async () => {
    await render();
    importScanAndPay.mockResolvedValue({
      received: 0,
      already_had: 0,
      errors: [
        { row: 1, column: 'total', message: 'The total is not the sum of the lines', message_sv: 'Totalen är inte summan av raderna' },
        { row: 3, column: 'id', message: 'The id is missing', message_sv: 'Id saknas' },
        { row: 0, column: null, message: 'Unknown format', message_sv: 'Okänt format' },
      ],
    });
    pick(new File(['{"format":"storekeep-scan-and-pay/1","purchases":[]}'], 'kop.json', { type: 'application/json' }));
    click('scan-and-pay-import');
    await waitFor(() => expect(query('scan-and-pay-import-rejected')).not.toBeNull());
    expect(importScanAndPay.mock.calls).toEqual([['{"format":"storekeep-scan-and-pay/1","purchases":[]}']]);
    expect(text('scan-and-pay-import-rejected')).toContain('Ingenting togs emot från kop.json: filen har 3 fel.');
    const errors = [...container.querySelectorAll('[data-testid="scan-and-pay-import-error"]')].map(cells);
    expect(errors).toEqual(['1 total Totalen är inte summan av raderna', '3 id Id saknas', 'Hela filen – Okänt format']);
    // Nothing was taken: the day is not asked for again.
    expect(scanAndPayDayMock).toHaveBeenCalledTimes(1);
  });

  it('says what a good file brought and shows the day again', async () => {
    await render();
    importScanAndPay.mockResolvedValue({ received: 2, already_had: 1, errors: [] });
    click('scan-and-pay-import');
    expect(text('scan-and-pay-import-section')).toContain('Välj en fil först.');
    pick(new File(['{}'], 'kop.json'));
    click('scan-and-pay-import');
    await waitFor(() => expect(query('scan-and-pay-import-report')).not.toBeNull());
    expect(text('scan-and-pay-import-report')).toBe('kop.json är inläst: 2 nya köp, 1 fanns redan.');
    await waitFor(() => expect(scanAndPayDayMock).toHaveBeenCalledTimes(2));
  });

  it('makes a token with a reason and shows it once; switches the endpoint off', async () => {
    await render();
    expect(get('scan-and-pay-endpoint-state').dataset.enabled).toBe('false');
    expect(text('scan-and-pay-endpoint')).toContain('POST http://127.0.0.1:8787/scan-and-pay/purchases');
    expect(text('scan-and-pay-endpoint')).toContain('Authorization: Bearer <token>');
    expect((get('scan-and-pay-token-off') as HTMLButtonElement).disabled).toBe(true);

    click('scan-and-pay-token-new');
    expect(text('scan-and-pay-endpoint')).toContain('Skriv en anledning.');
    expect(scanAndPayToken).not.toHaveBeenCalled();

    scanAndPayToken.mockResolvedValueOnce('sp_3f9a0c1d2e');
    scanAndPayDayMock.mockResolvedValue({ ...DAY, endpoint_enabled: true });
    typeInto('scan-and-pay-token-reason', 'Appen ska skicka köpen');
    click('scan-and-pay-token-new');
    await waitFor(() => expect(query('scan-and-pay-token')).not.toBeNull());
    expect(scanAndPayToken.mock.calls).toEqual([[true, 'Appen ska skicka köpen']]);
    expect(text('scan-and-pay-token-value')).toBe('sp_3f9a0c1d2e');
    expect(text('scan-and-pay-token')).toContain('Kopiera nyckeln nu – den visas inte igen.');
    await waitFor(() => expect(get('scan-and-pay-endpoint-state').dataset.enabled).toBe('true'));
    click('scan-and-pay-token-hide');
    expect(query('scan-and-pay-token')).toBeNull();
    expect(container.textContent).not.toContain('sp_3f9a0c1d2e');

    scanAndPayToken.mockResolvedValueOnce(null);
    scanAndPayDayMock.mockResolvedValue(DAY);
    typeInto('scan-and-pay-token-reason', 'Appen är avvecklad');
    click('scan-and-pay-token-off');
    await waitFor(() => expect(text('scan-and-pay-token-done')).toBe('Slutpunkten är avstängd.'));
    expect(scanAndPayToken.mock.calls[1]).toEqual([false, 'Appen är avvecklad']);
    expect(query('scan-and-pay-token')).toBeNull();
  });
});

describe('Scan & Pay: the endpoint token, safely', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('sends nothing on Enter in the reason field, nor on a submit no button made', async () => {
    await render();
    typeInto('scan-and-pay-token-reason', 'Appen ska skicka köpen');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    get('scan-and-pay-token-reason').dispatchEvent(enter);
    // No implicit submit: the browser would "click" the first button, making a token.
    expect(enter.defaultPrevented).toBe(true);
    (get('scan-and-pay-token-reason') as HTMLInputElement).form!.requestSubmit();
    flushSync();
    await sleep(10);
    expect(scanAndPayToken).not.toHaveBeenCalled();
    expect(query('scan-and-pay-token')).toBeNull();
  });

  it('does what the button that sent the form says, clicked or not', async () => {
    scanAndPayDayMock.mockResolvedValue({ ...DAY, endpoint_enabled: true });
    await render();
    scanAndPayToken.mockResolvedValue(null);
    typeInto('scan-and-pay-token-reason', 'Appen är avvecklad');
    // The keyboard's way to a button, with no click before it.
    const off = get('scan-and-pay-token-off') as HTMLButtonElement;
    off.form!.requestSubmit(off);
    await waitFor(() => expect(scanAndPayToken.mock.calls).toEqual([[false, 'Appen är avvecklad']]));
  });

  it('asks before replacing a token in use', async () => {
    scanAndPayDayMock.mockResolvedValue({ ...DAY, endpoint_enabled: true });
    await render();
    expect(text('scan-and-pay-token-new')).toBe('Byt nyckel');
    typeInto('scan-and-pay-token-reason', 'Nyckeln har läckt');
    click('scan-and-pay-token-new');
    expect(text('scan-and-pay-token-confirm')).toContain('Den nyckel som används nu slutar fungera direkt');
    await waitFor(() => expect(document.activeElement).toBe(get('scan-and-pay-token-replace-confirm')));
    expect(scanAndPayToken).not.toHaveBeenCalled();
    click('scan-and-pay-token-replace-cancel');
    expect(query('scan-and-pay-token-confirm')).toBeNull();
    expect(document.activeElement).toBe(get('scan-and-pay-token-reason'));
    expect(scanAndPayToken).not.toHaveBeenCalled();

    scanAndPayToken.mockResolvedValueOnce('sp_new_token');
    click('scan-and-pay-token-new');
    click('scan-and-pay-token-replace-confirm');
    await waitFor(() => expect(text('scan-and-pay-token-value')).toBe('sp_new_token'));
    expect(scanAndPayToken.mock.calls).toEqual([[true, 'Nyckeln har läckt']]);
  });

  it('shows the token without reading it aloud, and hides it after a while', async () => {
    const target = document.createElement('div');
    document.body.appendChild(target);
    const till = new Till(fakeApi);
    till.session = { staff: { id: 1, name: 'Anna Lind', role: 'manager', active: true }, idle_logout_seconds: 300 };
    const onchanged = vi.fn();
    const box = mount(ScanAndPayToken, { target, props: { till, enabled: false, listening: null, onchanged, tokenShownMs: 40 } });
    try {
      flushSync();
      scanAndPayToken.mockResolvedValueOnce('sp_secret');
      const reason = target.querySelector<HTMLInputElement>('[data-testid="scan-and-pay-token-reason"]')!;
      reason.value = 'Ny app';
      reason.dispatchEvent(new Event('input', { bubbles: true }));
      flushSync();
      target.querySelector<HTMLButtonElement>('[data-testid="scan-and-pay-token-new"]')!.click();
      await waitFor(() => expect(target.querySelector('[data-testid="scan-and-pay-token"]')).not.toBeNull());
      const shown = target.querySelector<HTMLElement>('[data-testid="scan-and-pay-token"]')!;
      expect(shown.getAttribute('role')).toBe('region');
      expect(shown.closest('[role="alert"], [role="status"], [aria-live]')).toBeNull();
      expect(onchanged).toHaveBeenCalledTimes(1);
      await waitFor(() => expect(target.querySelector('[data-testid="scan-and-pay-token"]')).toBeNull());
      expect(target.textContent).not.toContain('sp_secret');
    } finally {
      unmount(box);
      target.remove();
    }
  });
});
