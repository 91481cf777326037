import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ShiftClosed, ShiftState, StaffMember, StoreStatus, TillState } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import ShiftView from './ShiftView.svelte';

// ---------------------------------------------------------------- fake api

const tillState = vi.fn<Api['tillState']>();
const openShift = vi.fn<Api['openShift']>();
const cashMovement = vi.fn<Api['cashMovement']>();
const closeShift = vi.fn<Api['closeShift']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { tillState, openShift, cashMovement, closeShift } as unknown as Api;

const ANNA: StaffMember = { id: 1, name: 'Anna Lind', role: 'manager', active: true };
const ERIK: StaffMember = { id: 2, name: 'Erik Berg', role: 'cashier', active: true };

const SHIFT: ShiftState = {
  shift_no: 4,
  cashier: { id: 2, name: 'Erik Berg' },
  opened_at: '2026-03-02T07:00:00Z',
  float: '500.00',
  cash_sales: '1234.50',
  paid_in: '0.00',
  paid_out: '0.00',
  expected: '1734.50',
  drawer_openings: 3,
  receipts: 7,
};

function state(shift: ShiftState | null): TillState {
  return {
    training: false,
    electronic: false,
    shift,
    control_unit: { policy: 'stop', decided_by: null, decided_at: null, reason: null },
    control_unit_number: 'SIM-0001',
    control_unit_outage: false,
    control_unit_simulated_failing: false,
  pending_return: null,
  };
}

function closedWith(counted: string, difference: string): ShiftClosed {
  return {
    register_id: 'KASSA-01',
    shift_no: 4,
    at: '2026-03-02T17:00:00Z',
    cashier: { id: 1, name: 'Anna Lind' },
    float: '500.00',
    cash_sales: '1234.50',
    paid_in: '0.00',
    paid_out: '0.00',
    expected: '1734.50',
    counted,
    difference,
    drawer_openings: 3,
    receipts: 7,
  };
}

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(): Promise<void> {
  const till = new Till(fakeApi);
  // The approval dialog lists the active managers from the store status.
  till.status = { staff: [ANNA, ERIK] } as unknown as StoreStatus;
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(ShiftView, { target: container, props: { till } });
  flushSync();
  await waitFor(() => expect(query('shift-loading')).toBeNull());
}

/** Anywhere in the document: the approval dialog is a modal. */
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

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function choose(testId: string, value: string): void {
  const select = get(testId) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
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
  tillState.mockReset();
  tillState.mockResolvedValue(state(SHIFT));
  openShift.mockReset();
  cashMovement.mockReset();
  closeShift.mockReset();
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('cash shift view', () => {
  it('shows the open shift', async () => {
    await render();
    expect(text('shift-cashier')).toBe('Erik Berg');
    expect(text('shift-opened-at')).toBe('2026-03-02 08:00:00');
    expect(text('shift-float')).toBe('500,00 kr');
    expect(text('shift-cash-sales')).toBe('1 234,50 kr');
    expect(text('shift-expected')).toBe('1 734,50 kr');
    expect(text('shift-drawer-openings')).toBe('3');
    expect(text('shift-receipts')).toBe('7');
    expect(query('shift-none')).toBeNull();
    expect(container.querySelector('label[for="shift-counted"]')?.textContent).toContain('Räknat i lådan');
  });

  it('opens a shift with a float', async () => {
    tillState.mockResolvedValue(state(null));
    openShift.mockResolvedValue({ ...SHIFT, shift_no: 5, cash_sales: '0.00', expected: '500.00' });
    await render();
    expect(text('shift-none')).toBe('Inget skift öppet');
    expect(query('movement-submit')).toBeNull();

    click('shift-open');
    expect(text('error-message')).toBe('Skriv ett belopp.');
    expect(openShift).not.toHaveBeenCalled();

    typeInto('shift-float-input', ' 500 ');
    click('shift-open');
    await waitFor(() => expect(query('shift-state')).not.toBeNull());
    expect(openShift).toHaveBeenCalledWith('500');
    expect(text('shift-notice')).toBe('Skift 5 är öppnat.');
    expect(text('shift-expected')).toBe('500,00 kr');
    expect(query('error')).toBeNull();
  });

  it('closes the shift and shows a shortage in red', async () => {
    closeShift.mockResolvedValue(closedWith('1700.00', '-34.50'));
    await render();
    typeInto('shift-counted', '1700');
    click('shift-close');
    await waitFor(() => expect(query('shift-closed')).not.toBeNull());
    expect(closeShift).toHaveBeenCalledWith('1700');
    expect(text('shift-closed-expected')).toBe('1 734,50 kr');
    expect(text('shift-closed-counted')).toBe('1 700,00 kr');
    expect(text('shift-difference')).toBe('Kassan saknar 34,50 kr');
    expect(get('shift-difference').dataset.balance).toBe('shortage');
    expect(get('shift-difference').classList.contains('shortage')).toBe(true);
    // The shift is gone: the next one can be opened.
    expect(text('shift-none')).toBe('Inget skift öppet');
    expect(query('shift-close')).toBeNull();
  });

  it('notes a surplus and an exact count', async () => {
    closeShift.mockResolvedValueOnce(closedWith('1740.00', '5.50'));
    await render();
    typeInto('shift-counted', '1740');
    click('shift-close');
    await waitFor(() => expect(query('shift-closed')).not.toBeNull());
    expect(text('shift-difference')).toBe('Överskott 5,50 kr');
    expect(get('shift-difference').dataset.balance).toBe('surplus');
    if (view) unmount(view);
    container.remove();

    closeShift.mockResolvedValueOnce(closedWith('1734.50', '0.00'));
    await render();
    typeInto('shift-counted', '1734,50');
    click('shift-close');
    await waitFor(() => expect(query('shift-closed')).not.toBeNull());
    expect(closeShift).toHaveBeenLastCalledWith('1734,50');
    expect(text('shift-difference')).toBe('Stämmer');
    expect(get('shift-difference').dataset.balance).toBe('exact');

    locale.set('en');
    flushSync();
    expect(text('shift-difference')).toBe('Balances');
  });

  it('needs an amount and a reason for a paid out', async () => {
    await render();
    choose('movement-kind', 'paid_out');
    typeInto('movement-reason', 'Frimärken');
    click('movement-submit');
    expect(text('error-message')).toBe('Skriv ett belopp.');
    typeInto('movement-amount', '120');
    typeInto('movement-reason', '  ');
    click('movement-submit');
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(cashMovement).not.toHaveBeenCalled();
  });

  it("retries a paid out that needs a manager's approval with the approval", async () => {
    cashMovement.mockImplementation(async (_kind, _amount, _reason, approval) => {
      if (!approval) {
        throw { code: 'needs_approval', message: 'A manager must approve.', message_sv: 'En chef måste godkänna.' };
      }
      if (approval.pin !== '1111') throw { code: 'wrong_pin', message: 'Wrong PIN.', message_sv: 'Fel PIN-kod.' };
      return { ...SHIFT, paid_out: '120.00', expected: '1614.50' };
    });
    await render();
    choose('movement-kind', 'paid_out');
    typeInto('movement-amount', '120');
    typeInto('movement-reason', 'Frimärken');
    click('movement-submit');
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(cashMovement).toHaveBeenCalledWith('paid_out', '120', 'Frimärken', null);
    expect(text('approval-dialog')).toContain('En chef måste godkänna uttaget på 120,00 kr.');
    expect(query('error')).toBeNull();

    typeInto('approval-pin', '0000');
    click('approval-submit');
    await waitFor(() => expect(text('approval-dialog')).toContain('Fel PIN-kod.'));
    expect(query('approval-dialog')).not.toBeNull();

    typeInto('approval-pin', '1111');
    click('approval-submit');
    await waitFor(() => expect(query('approval-dialog')).toBeNull());
    expect(cashMovement).toHaveBeenLastCalledWith('paid_out', '120', 'Frimärken', { manager_id: 1, pin: '1111' });
    expect(text('movement-notice')).toBe('Uttaget på 120,00 kr är registrerat.');
    expect(text('shift-paid-out')).toBe('120,00 kr');
    expect(text('shift-expected')).toBe('1 614,50 kr');
    expect((get('movement-amount') as HTMLInputElement).value).toBe('');
  });

  it('drops a paid out whose approval is cancelled', async () => {
    cashMovement.mockRejectedValue({ code: 'needs_approval', message: 'Approval.', message_sv: 'Godkännande.' });
    await render();
    choose('movement-kind', 'paid_in');
    typeInto('movement-amount', '200');
    typeInto('movement-reason', 'Mer växel');
    click('movement-submit');
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(text('approval-dialog')).toContain('insättningen på 200,00 kr');
    click('approval-cancel');
    expect(query('approval-dialog')).toBeNull();
    expect(cashMovement).toHaveBeenCalledTimes(1);
    expect(query('movement-notice')).toBeNull();
    expect((get('movement-amount') as HTMLInputElement).value).toBe('200');
  });

  it('shows a refusal in the form it came from', async () => {
    closeShift.mockRejectedValue({ code: 'invalid_amount', message: 'Not an amount.', message_sv: 'Inte ett belopp.' });
    await render();
    typeInto('shift-counted', 'abc');
    click('shift-close');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toBe('Inte ett belopp.');
    expect(query('shift-closed')).toBeNull();
    expect(query('shift-state')).not.toBeNull();
  });
});
