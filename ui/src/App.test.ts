import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import App from './App.svelte';
import type { PricedCart, PricedLine, Receipt, StoreStatus } from './lib/bindings';
import { locale } from './lib/locale.svelte';

const invokeMock = vi.mocked(invoke);

// ---------------------------------------------------------------- fixtures

const MILK = '7310865004703';
const BREAD = '7311070347203';
const BAD = '7310865004704';

const products: Record<string, PricedLine> = {
  [MILK]: {
    product_id: 1,
    code: MILK,
    name: 'Mjölk 1,5 %',
    sold_by: 'each',
    quantity: '1',
    unit_price: '14.90',
    line_total: '14.90',
    vat_category: 'food',
    vat_percent: '12',
  },
  [BREAD]: {
    product_id: 2,
    code: BREAD,
    name: 'Rågbröd',
    sold_by: 'each',
    quantity: '2',
    unit_price: '32.50',
    line_total: '65.00',
    vat_category: 'food',
    vat_percent: '12',
  },
};

const emptyCart: PricedCart = { lines: [], total: '0.00', vat: [], cash_total: '0.00', cash_rounding: '0.00' };

/** A cart as the backend would price it; the numbers are canned, the UI only shows them. */
function cartOf(lines: PricedLine[]): PricedCart {
  if (lines.length === 1) {
    return {
      lines,
      total: '14.90',
      vat: [{ rate_percent: '12', gross: '14.90', vat: '1.60', net: '13.30' }],
      cash_total: '15.00',
      cash_rounding: '0.10',
    };
  }
  return {
    lines,
    total: '1079.55',
    vat: [
      { rate_percent: '12', gross: '79.90', vat: '8.56', net: '71.34' },
      { rate_percent: '25', gross: '999.65', vat: '199.93', net: '799.72' },
    ],
    cash_total: '1080.00',
    cash_rounding: '0.45',
  };
}

const demoStatus: StoreStatus = {
  identity: {
    company_name: 'Demobutiken AB',
    org_number: '556677-8899',
    address: 'Storgatan 1, 123 45 Småstad',
    register_id: 'KASSA-1',
  },
  demo: true,
  demo_items: [
    { code: MILK, name: 'Mjölk 1,5 %', price: '14.90', sold_by: 'each' },
    { code: '2000123000000', name: 'Bananer', price: '24.90', sold_by: 'weight' },
  ],
};

const receipt: Receipt = {
  company_name: 'Demobutiken AB',
  org_number: '556677-8899',
  address: 'Storgatan 1, 123 45 Småstad',
  register_id: 'KASSA-1',
  receipt_no: 42,
  date_time: '2025-03-01T14:05:09+01:00',
  lines: [
    { name: 'Mjölk 1,5 %', detail: '', amount: '14.90' },
    { name: 'Rågbröd', detail: '2 st à 32,50', amount: '65.00' },
  ],
  total: '79.90',
  rounding: '0.10',
  vat: [{ rate_percent: '12', gross: '80.00', vat: '8.57', net: '71.43' }],
  vat_total: '8.57',
  payments: [{ label: 'Kontant', amount: '80.00', tendered: '100.00', change: '20.00' }],
  control_unit: null,
};

// ------------------------------------------------------------- the backend

type Backend = {
  status: StoreStatus;
  lines: PricedLine[];
  scanDelayMs: number;
  scanErrors: Record<string, unknown>;
  payError: unknown;
  /** Scans running at the same time, and the most ever seen. */
  running: number;
  maxRunning: number;
};

let backend: Backend;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function installBackend(): void {
  backend = {
    status: demoStatus,
    lines: [],
    scanDelayMs: 0,
    scanErrors: {},
    payError: null,
    running: 0,
    maxRunning: 0,
  };
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (command: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (command) {
      case 'store_status':
        return backend.status;
      case 'current_cart':
        return backend.lines.length ? cartOf(backend.lines) : emptyCart;
      case 'scan': {
        backend.running += 1;
        backend.maxRunning = Math.max(backend.maxRunning, backend.running);
        try {
          if (backend.scanDelayMs) await sleep(backend.scanDelayMs);
          const code = String(a.code);
          if (code in backend.scanErrors) throw backend.scanErrors[code];
          const product = products[code] ?? { ...products[MILK]!, code, name: `Vara ${code}` };
          backend.lines = [...backend.lines, product];
          return cartOf(backend.lines);
        } finally {
          backend.running -= 1;
        }
      }
      case 'pay_cash':
        if (backend.payError) throw backend.payError;
        backend.lines = [];
        return receipt;
      default:
        throw `unknown command ${command}`;
    }
  });
}

// ----------------------------------------------------------------- helpers

let app: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(): Promise<void> {
  container = document.createElement('div');
  document.body.appendChild(container);
  app = mount(App, { target: container });
  flushSync();
  await waitFor(() => expect(query('scan-input') ?? query('not-setup')).toBeTruthy());
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function all(testId: string): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

/** Collapses markup whitespace; keeps the no-break spaces of formatted money. */
function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
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

function press(key: string, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

/** What a keyboard-wedge scanner does: each character, then Enter, no field focused. */
function wedgeScan(code: string): void {
  for (const char of code) press(char);
  press('Enter');
}

function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function calls(command: string): unknown[] {
  return invokeMock.mock.calls.filter(([name]) => name === command).map(([, args]) => args);
}

/** Money as the UI shows it, written here with plain spaces. */
const nb = (value: string) => value.replace(/ /g, '\u00a0');

// ------------------------------------------------------------------- tests

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  installBackend();
});

afterEach(() => {
  if (app) unmount(app);
  app = null;
  container?.remove();
});

describe('till screen', () => {
  it('shows the store, the register and the demo badge', async () => {
    await render();
    expect(text('company-name')).toBe('Demobutiken AB');
    expect(text('register-id')).toBe('KASSA-1');
    expect(text('demo-badge')).toBe('DEMO');
    expect(text('cart-empty')).toContain('Skanna en vara');
    expect(get('pay-cash').hasAttribute('disabled')).toBe(true);
    const demoItems = all('demo-item');
    expect(demoItems).toHaveLength(2);
    expect(demoItems[0]!.textContent).toContain(MILK);
    expect(demoItems[1]!.textContent).toContain(nb('24,90 kr/kg'));
  });

  it('processes a burst of two wedge scans in order, then pays cash', async () => {
    await render();
    backend.scanDelayMs = 5;

    // Two scans dispatched synchronously back to back, no field focused.
    wedgeScan(MILK);
    wedgeScan(BREAD);

    await waitFor(() => expect(all('cart-line')).toHaveLength(2));
    expect(calls('scan')).toEqual([{ code: MILK }, { code: BREAD }]);
    expect(backend.maxRunning).toBe(1);

    const lines = all('cart-line');
    expect(lines[0]!.textContent).toContain('Mjölk 1,5 %');
    expect(lines[0]!.textContent).toContain(nb('14,90 kr'));
    expect(lines[1]!.textContent).toContain('Rågbröd');
    expect(lines[1]!.textContent).toContain(`2 × ${nb('32,50 kr')}`);
    expect(lines[1]!.textContent).toContain(nb('65,00 kr'));
    expect(text('total')).toBe(nb('1 079,55 kr'));
    expect(all('vat-line').map((el) => squash(el.textContent))).toEqual([
      `Moms 12 %: ${nb('8,56 kr')}`,
      `Moms 25 %: ${nb('199,93 kr')}`,
    ]);
    expect(text('cash-rounding')).toBe(nb('0,45 kr'));
    expect(text('cash-total')).toBe(nb('1 080,00 kr'));

    // Pay cash.
    expect(get('pay-cash').textContent).toContain('F12');
    get('pay-cash').click();
    flushSync();
    const tendered = get('tendered-input') as HTMLInputElement;
    expect(text('amount-due')).toBe(nb('1 080,00 kr'));
    expect(tendered.getAttribute('inputmode')).toBe('decimal');
    await waitFor(() => expect(document.activeElement).toBe(tendered));

    typeInto(tendered, '100');
    press('Enter', tendered);

    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([{ tendered: '100' }]);
    expect(text('receipt-no')).toBe('42');
    expect(text('change')).toBe('20,00');
    expect(text('change-due')).toBe(nb('20,00 kr'));
    const paper = get('receipt').textContent ?? '';
    for (const label of ['Org.nr', 'Kvitto nr', 'Kassa', 'TOTALT', 'Öresavrundning', 'Kontant', 'Växel', 'Moms %', 'Netto', 'Brutto', 'Summa moms']) {
      expect(paper).toContain(label);
    }
    expect(text('control-unit')).toBe('Ingen kontrollenhet ansluten');
    expect(text('receipt-date')).toBe('2025-03-01 14:05:09');

    // Enter starts a new sale and refreshes the cart from the backend.
    const cartCallsBefore = calls('current_cart').length;
    press('Enter', document.body);
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    expect(query('receipt')).toBeNull();
    expect(calls('current_cart').length).toBe(cartCallsBefore + 1);
  });

  it('never loses or merges scans in a fast burst of ten', async () => {
    await render();
    backend.scanDelayMs = 2;
    const codes = Array.from({ length: 10 }, (_, i) => `73100000000${String(i).padStart(2, '0')}`);
    for (const code of codes) wedgeScan(code);
    await waitFor(() => expect(all('cart-line')).toHaveLength(10));
    expect(calls('scan')).toEqual(codes.map((code) => ({ code })));
    expect(backend.maxRunning).toBe(1);
  });

  it('shows a scan error without clearing the cart, and clears it on the next good scan', async () => {
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));

    backend.scanErrors[BAD] = {
      code: 'bad_check_digit',
      message: 'Wrong check digit in 7310865004704.',
      message_sv: 'Felaktig kontrollsiffra i streckkoden 7310865004704.',
    };
    wedgeScan(BAD);

    await waitFor(() => expect(query('error')).not.toBeNull());
    const alert = container.querySelector('[role="alert"]');
    expect(alert).toBe(get('error'));
    expect(alert?.textContent).toContain('Felaktig kontrollsiffra i streckkoden 7310865004704.');
    expect(get('error').dataset.code).toBe('bad_check_digit');
    expect(all('cart-line')).toHaveLength(1);
    expect(all('cart-line')[0]!.textContent).toContain('Mjölk 1,5 %');

    // The message follows the language switch.
    get('lang-en').click();
    await waitFor(() => expect(text('error-message')).toBe('Wrong check digit in 7310865004704.'));
    get('lang-sv').click();
    await waitFor(() => expect(text('error-message')).toBe('Felaktig kontrollsiffra i streckkoden 7310865004704.'));

    wedgeScan(BREAD);
    await waitFor(() => expect(all('cart-line')).toHaveLength(2));
    expect(query('error')).toBeNull();
  });

  it('shows a plain-string rejection as an internal error', async () => {
    await render();
    backend.scanErrors['123'] = 'database is locked';
    wedgeScan('123');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('error').dataset.code).toBe('internal');
    expect(text('error-message')).toBe('database is locked');
  });

  it('scans from the manual field with Enter, leaving the window buffer alone', async () => {
    await render();
    const input = get('scan-input') as HTMLInputElement;
    expect(container.querySelector('label[for="scan-input"]')?.textContent).toBe('Streckkod');
    input.focus();
    typeInto(input, ` ${MILK} `);
    press('Enter', input);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(calls('scan')).toEqual([{ code: MILK }]);
    expect(input.value).toBe('');
  });

  it('opens the payment with F12, closes it with Escape without paying', async () => {
    await render();
    press('F12');
    flushSync();
    expect(query('payment-panel')).toBeNull(); // empty cart: ignored

    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    const event = press('F12');
    expect(event.defaultPrevented).toBe(true);
    flushSync();
    expect(query('payment-panel')).not.toBeNull();
    expect(text('amount-due')).toBe(nb('15,00 kr'));
    expect(all('quick-tender').map((b) => b.dataset.amount)).toEqual(['15', '50', '100', '200', '500', '1000']);

    press('Escape', get('tendered-input'));
    flushSync();
    expect(query('payment-panel')).toBeNull();
    expect(calls('pay_cash')).toEqual([]);
    expect(all('cart-line')).toHaveLength(1);
  });

  it('keeps the payment panel open with the error when the cash is not enough', async () => {
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    get('pay-cash').click();
    flushSync();

    backend.payError = {
      code: 'insufficient_cash',
      message: 'The amount tendered is not enough (15,00 kr to pay).',
      message_sv: 'Mottaget belopp räcker inte (att betala 15,00 kr).',
    };
    const tendered = get('tendered-input') as HTMLInputElement;
    typeInto(tendered, '10,50');
    get('complete-sale').click();

    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([{ tendered: '10,50' }]);
    expect(get('payment-panel').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe('Mottaget belopp räcker inte (att betala 15,00 kr).');
    expect(query('receipt')).toBeNull();

    backend.payError = null;
    (all('quick-tender')[0] as HTMLButtonElement).click();
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([{ tendered: '10,50' }, { tendered: '15' }]);
    expect(query('error')).toBeNull();
  });

  it('starts the next sale when the scanner is used on the receipt screen', async () => {
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    get('pay-cash').click();
    flushSync();
    typeInto(get('tendered-input') as HTMLInputElement, '20');
    get('complete-sale').click();
    await waitFor(() => expect(query('receipt')).not.toBeNull());

    wedgeScan(BREAD);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(query('receipt')).toBeNull();
    expect(all('cart-line')[0]!.textContent).toContain('Rågbröd');
  });

  it('switches language and remembers it', async () => {
    await render();
    expect(text('cart-empty')).toContain('Skanna en vara');
    expect(get('lang-sv').getAttribute('aria-pressed')).toBe('true');
    get('lang-en').click();
    flushSync();
    expect(text('cart-empty')).toContain('Scan an item');
    expect(get('pay-cash').textContent).toContain('Pay cash');
    expect(get('lang-en').getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem('storekeep.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('explains how to set up a store when there is none', async () => {
    backend.status = { identity: null, demo: false, demo_items: [] };
    await render();
    const notice = text('not-setup');
    expect(notice).toContain('Ingen butik är upplagd.');
    expect(notice).toContain('--demo');
    expect(notice).toContain('storekeep init');
    expect(query('scan-input')).toBeNull();
    expect(query('demo-badge')).toBeNull();

    get('lang-en').click();
    flushSync();
    expect(text('not-setup')).toBe('No store is set up. Start with --demo or run storekeep init.');
  });
});
