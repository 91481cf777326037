import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ApiError, PaymentsStatus, PaymentsView as PaymentsInfo, Role } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { MANAGER_NAV, type ManagerNav } from '../lib/managerNav';
import {
  ANNA,
  inForce,
  NO_CARDS,
  offlinePayment,
  offlineReport,
  paymentChange,
  paymentsStatus,
  paymentsView,
} from '../lib/testing/payments';
import { Till, type View } from '../lib/till.svelte';
import PaymentsView from './PaymentsView.svelte';

// ---------------------------------------------------------------- fixtures

/** Friday 27 November 2026, 14:35 in Stockholm. */
const NOW = '2026-11-27T13:35:00Z';

const ACQUIRER_DOWN = { kind: 'card_offline_when_acquirer_down' } as const;

/**
 * The acquirer is down: the system took card online off under its rule, card goes offline; a
 * manager has limited Swish to 200 kr on register KASSA-1 until 18:00.
 */
const VIEW: PaymentsInfo = paymentsView({
  in_force: inForce(
    {
      card_online: {
        availability: 'disabled',
        reason: 'Kortinlösaren svarar inte',
        rule: ACQUIRER_DOWN,
        change_id: 7,
        since: '2026-11-27T13:10:00Z',
      },
      swish: {
        availability: 'limited',
        limits: { min: null, max: '200.00' },
        reason: 'Swish strular över 200 kr',
        set_by: ANNA,
        change_id: 6,
        since: '2026-11-27T12:00:00Z',
        until: '2026-11-27T17:00:00Z',
        registers: ['KASSA-1'],
      },
    },
    { exposure: '1250.00' },
  ),
  changes: [
    paymentChange({
      id: 6,
      method: 'swish',
      availability: 'limited',
      limits: { min: null, max: '200.00' },
      reason: 'Swish strular över 200 kr',
      starts_at: '2026-11-27T12:00:00Z',
      until: '2026-11-27T17:00:00Z',
      registers: ['KASSA-1'],
    }),
    paymentChange({ id: 7, set_by: null, rule: ACQUIRER_DOWN, reason: 'Kortinlösaren svarar inte', starts_at: '2026-11-27T13:10:00Z' }),
  ],
  automatic: [
    paymentChange({ id: 7, set_by: null, rule: ACQUIRER_DOWN, reason: 'Kortinlösaren svarar inte', starts_at: '2026-11-27T13:10:00Z' }),
    paymentChange({
      id: 3,
      method: 'swish',
      set_by: null,
      rule: { kind: 'hide_swish_when_down' },
      reason: 'Swish svarar inte',
      starts_at: '2026-11-27T09:00:00Z',
      ended: { at: '2026-11-27T09:20:00Z', by: null, reason: 'Swish svarar igen' },
    }),
  ],
  rules: [ACQUIRER_DOWN, { kind: 'hide_swish_when_down' }],
  health: { acquirer_reachable: false, swish_reachable: true },
  offline: offlineReport({
    pending: [
      offlinePayment({ authorization: 'OFF-1', receipt_no: 41, amount: '450.00', age_minutes: 125 }),
      offlinePayment({ authorization: 'OFF-0', receipt_no: 12, amount: '800.00', age_minutes: 1600, overdue: true }),
    ],
    pending_total: '1250.00',
    overdue: 1,
    oldest_minutes: 1600,
    declined: [
      offlinePayment({
        authorization: 'OFF-X',
        receipt_no: 9,
        amount: '300.00',
        status: 'declined',
        settled_at: '2026-11-27T10:00:00Z',
        detail: 'Kortet är spärrat',
      }),
    ],
    declined_total: '300.00',
    forwarded: 12,
    forwarded_total: '3400.00',
  }),
});

const apiError = (code: ApiError['code'], message: string, message_sv: string): ApiError => ({ code, message, message_sv });

// ---------------------------------------------------------------- fake api

const paymentsViewMock = vi.fn<Api['paymentsView']>();
const setPaymentMethod = vi.fn<Api['setPaymentMethod']>();
const endPaymentChange = vi.fn<Api['endPaymentChange']>();
const setOfflineCaps = vi.fn<Api['setOfflineCaps']>();
const setFallbackRules = vi.fn<Api['setFallbackRules']>();
const simulateHealth = vi.fn<Api['simulateHealth']>();
const forwardOffline = vi.fn<Api['forwardOffline']>();
const onPaymentsChanged = vi.fn<Api['onPaymentsChanged']>();
const openCustomerDisplay = vi.fn<Api['openCustomerDisplay']>();
const MOCKS = [
  paymentsViewMock,
  setPaymentMethod,
  endPaymentChange,
  setOfflineCaps,
  setFallbackRules,
  simulateHealth,
  forwardOffline,
  onPaymentsChanged,
  openCustomerDisplay,
];

/**
 * The backend moved on after a command's answer (a fallback rule switched meanwhile): reading
 * the view gives this, whatever the command answered.
 */
let movedOn: PaymentsInfo | null = null;

/**
 * A command that changes the store answers with the new view, and from then on reading the
 * view gives the same (as the backend does), unless the backend has moved on since: the page
 * reads again after every change.
 */
function changes<A extends unknown[]>(mock: { (...args: A): Promise<PaymentsInfo> }) {
  return async (...args: A): Promise<PaymentsInfo> => {
    const fresh = await mock(...args);
    paymentsViewMock.mockResolvedValue(movedOn ?? fresh);
    return fresh;
  };
}

/** Only what the page uses; the rest of the Api is never called. */
const fakeApi = {
  paymentsView: paymentsViewMock,
  setPaymentMethod: changes(setPaymentMethod),
  endPaymentChange: changes(endPaymentChange),
  setOfflineCaps: changes(setOfflineCaps),
  setFallbackRules: changes(setFallbackRules),
  simulateHealth: changes(simulateHealth),
  forwardOffline: changes(forwardOffline),
  onPaymentsChanged,
  openCustomerDisplay,
} as unknown as Api;

let sendEvent: (status: PaymentsStatus) => void = () => {
  throw new Error('nobody listens to payments-changed');
};

// ----------------------------------------------------------------- helpers

let page: ReturnType<typeof mount> | null = null;
let container: HTMLElement;
const go = vi.fn<(view: View) => void>();

async function render(role: Role = 'manager', simulated = false): Promise<Till> {
  const till = new Till(fakeApi);
  till.session = { staff: { id: 1, name: 'Anna Lind', role, active: true }, idle_logout_seconds: 300 };
  till.status = {
    identity: { company_name: 'Demobutiken AB', org_number: '556677-8899', address: 'Storgatan 1', register_id: 'KASSA-1' },
    demo: false,
    demo_items: [],
    staff: [],
    needs_first_manager: false,
    demo_staff: [],
    session: till.session,
    simulated_devices: simulated,
  };
  container = document.createElement('div');
  document.body.appendChild(container);
  const nav: ManagerNav = { view: 'payments', go };
  page = mount(PaymentsView, { target: container, props: { till }, context: new Map([[MANAGER_NAV, nav]]) });
  flushSync();
  await waitFor(() => expect(query('payments-loading')).toBeNull());
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

/** Whitespace collapsed, the no-break spaces of amounts as plain spaces. */
function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

function cell(row: string, cellId: string): string {
  return squash(get(row).querySelector(`[data-testid="${cellId}"]`)?.textContent);
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function click(testId: string): void {
  get(testId).click();
  flushSync();
}

function value(testId: string): string {
  return (get(testId) as HTMLInputElement).value;
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
  for (const mock of MOCKS) mock.mockReset();
  movedOn = null;
  go.mockReset();
  paymentsViewMock.mockResolvedValue(VIEW);
  onPaymentsChanged.mockImplementation(async (handler) => {
    sendEvent = handler;
    return () => {};
  });
});

afterEach(() => {
  if (page) unmount(page);
  page = null;
  container?.remove();
  vi.useRealTimers();
});

// ------------------------------------------------------------------- tests

describe('payments page: the state now', () => {
  it('shows each method’s state in words, its limits, why, who set it, when and where', async () => {
    await render();
    const rows = [...get('payments-now').querySelectorAll('tbody tr')].map((row) => row.getAttribute('data-testid'));
    expect(rows).toEqual([
      'payment-state-cash',
      'payment-state-card_online',
      'payment-state-card_offline',
      'payment-state-swish',
      'payment-state-scan_and_pay',
      'payment-state-gift_voucher',
    ]);
    expect(get('payment-state-cash').dataset.availability).toBe('enabled');
    expect(cell('payment-state-cash', 'payment-state-availability')).toBe('✓ Tas emot');
    expect(cell('payment-state-cash', 'payment-state-set-by')).toBe('Standard');
    expect(cell('payment-state-cash', 'payment-state-registers')).toBe('Alla kassor');

    // The system switched card online off under its rule: shown as the system's, with the rule.
    expect(get('payment-state-card_online').dataset.availability).toBe('disabled');
    expect(cell('payment-state-card_online', 'payment-state-availability')).toBe('✕ Tas inte emot');
    expect(cell('payment-state-card_online', 'payment-state-set-by')).toBe('Systemet (automatiskt) Kortinlösaren nere → kort offline');
    expect(cell('payment-state-card_online', 'payment-state-reason')).toBe('Kortinlösaren svarar inte');
    expect(cell('payment-state-card_online', 'payment-state-period')).toBe('från 2026-11-27 14:10 tills det ändras');

    // A manager's limit on one register, until a time.
    expect(get('payment-state-swish').dataset.availability).toBe('limited');
    expect(cell('payment-state-swish', 'payment-state-availability')).toBe('◐ Begränsat');
    expect(cell('payment-state-swish', 'payment-state-limits')).toBe('upp till 200 kr');
    expect(cell('payment-state-swish', 'payment-state-set-by')).toBe('Anna Lind');
    expect(cell('payment-state-swish', 'payment-state-period')).toBe('från 2026-11-27 13:00 till 2026-11-27 18:00');
    expect(cell('payment-state-swish', 'payment-state-registers')).toBe('KASSA-1');

    locale.set('en');
    flushSync();
    expect(cell('payment-state-card_online', 'payment-state-set-by')).toBe('System (automatic) Card acquirer down → card offline');
    expect(cell('payment-state-card_online', 'payment-state-availability')).toBe('✕ Not taken');
  });

  it('lists the system’s automatic switches, in force or ended, as the system’s', async () => {
    await render();
    expect(get('payments-auto-7').dataset.ended).toBe('false');
    expect(text('payments-auto-7')).toContain('Systemet (automatiskt): Kort (online): tas inte emot');
    expect(text('payments-auto-7')).toContain('Regel: Kortinlösaren nere → kort offline');
    expect(text('payments-auto-7')).toContain('Anledning: Kortinlösaren svarar inte');
    expect(text('payments-auto-7')).toContain('Gäller nu');
    expect(get('payments-auto-3').dataset.ended).toBe('true');
    expect(text('payments-auto-3')).toContain('Slutade 2026-11-27 10:20 (Systemet (automatiskt)): Swish svarar igen');
  });

  it('follows the backend’s event: asks for the view again', async () => {
    await render();
    paymentsViewMock.mockResolvedValue(paymentsView());
    sendEvent(paymentsStatus());
    await waitFor(() => expect(get('payment-state-card_online').dataset.availability).toBe('enabled'));
    expect(paymentsViewMock).toHaveBeenCalledTimes(2);
  });

  it('shows a cashier the state without the controls', async () => {
    await render('cashier');
    expect(query('payment-state-swish')).not.toBeNull();
    for (const id of ['payments-set-swish', 'payments-card-off', 'payments-end-6', 'payments-rules-save', 'payments-caps-save']) {
      expect(query(id), id).toBeNull();
    }
  });
});

describe('payments page: changing a method', () => {
  it('sends exactly the SetMethod typed, with the reason, and shows the new state', async () => {
    const till = await render();
    get('payments-set-swish').focus();
    click('payments-set-swish');
    expect(text('payment-set-dialog')).toContain('Ändra Swish');
    // The form starts from the state in force.
    expect((get('payment-availability-limited') as HTMLInputElement).checked).toBe(true);
    expect(document.activeElement).toBe(get('payment-availability-limited'));
    expect(value('payment-max')).toBe('200');
    expect(value('payment-registers')).toBe('KASSA-1');

    typeInto('payment-max', '250');
    typeInto('payment-registers', '');
    typeInto('payment-until', ' 21:00 ');

    // A reason is needed.
    click('payment-set-submit');
    expect(text('payment-set-dialog')).toContain('Skriv en anledning.');
    expect(setPaymentMethod).not.toHaveBeenCalled();

    const after = paymentsView({
      in_force: inForce({ swish: { availability: 'limited', limits: { min: null, max: '250.00' }, reason: 'Högre gräns', set_by: ANNA } }),
      acceptance: NO_CARDS,
    });
    setPaymentMethod.mockResolvedValue(after);
    typeInto('payment-set-reason', ' Högre gräns ');
    click('payment-set-submit');
    await waitFor(() => expect(query('payment-set-dialog')).toBeNull());
    expect(setPaymentMethod.mock.calls).toEqual([
      [{ method: 'swish', availability: 'limited', min: null, max: '250', until: '21:00', registers: null }, 'Högre gräns'],
    ]);
    expect(cell('payment-state-swish', 'payment-state-limits')).toBe('upp till 250 kr');
    expect(text('payments-done')).toBe('Betalsättet är ändrat.');
    // The till's banner and panel follow at once.
    expect(till.payments?.acceptance).toEqual(NO_CARDS);
    await waitFor(() => expect(document.activeElement).toBe(get('payments-set-swish')));
  });

  it('limits a method: min and max show only when limited', async () => {
    await render();
    click('payments-set-cash');
    expect(query('payment-min')).toBeNull();
    expect(query('payment-max')).toBeNull();
    click('payment-availability-limited');
    typeInto('payment-max', '200');
    typeInto('payment-set-reason', 'Lite växel');
    setPaymentMethod.mockResolvedValue(VIEW);
    click('payment-set-submit');
    await waitFor(() => expect(setPaymentMethod).toHaveBeenCalledTimes(1));
    expect(setPaymentMethod.mock.calls[0]).toEqual([
      { method: 'cash', availability: 'limited', min: null, max: '200', until: null, registers: null },
      'Lite växel',
    ]);
  });

  it('shows the backend’s invalid_input in the form and keeps everything typed', async () => {
    await render();
    click('payments-set-gift_voucher');
    click('payment-availability-disabled');
    typeInto('payment-until', '25:99');
    typeInto('payment-registers', 'KASSA-9');
    typeInto('payment-set-reason', 'Inventering');
    setPaymentMethod.mockRejectedValueOnce(
      apiError('invalid_input', '"25:99" is not a time: write HH:MM', '"25:99" är ingen tid: skriv TT:MM'),
    );
    click('payment-set-submit');
    await waitFor(() => expect(text('payment-set-dialog')).toContain('"25:99" är ingen tid: skriv TT:MM'));
    expect(get('payment-set-dialog').querySelector('[data-testid="error"]')?.getAttribute('data-code')).toBe('invalid_input');
    expect((get('payment-availability-disabled') as HTMLInputElement).checked).toBe(true);
    expect(value('payment-until')).toBe('25:99');
    expect(value('payment-registers')).toBe('KASSA-9');
    expect(value('payment-set-reason')).toBe('Inventering');
    expect(setPaymentMethod.mock.calls[0]?.[0]).toEqual({
      method: 'gift_voucher',
      availability: 'disabled',
      min: null,
      max: null,
      until: '25:99',
      registers: ['KASSA-9'],
    });
  });
});

describe('payments page: the card-outage preset', () => {
  it('switches card offline, then card online off with one reason: exactly two calls', async () => {
    await render();
    click('payments-card-off');
    expect(text('payments-card-off-dialog')).toContain('Kort online och kort offline stängs av på alla kassor');
    typeInto('payments-card-off-reason', 'Terminalen är trasig');
    const off = paymentsView({
      in_force: inForce({
        card_online: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA, change_id: 8 },
        card_offline: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA, change_id: 9 },
      }),
      acceptance: NO_CARDS,
    });
    setPaymentMethod.mockResolvedValueOnce(VIEW).mockResolvedValueOnce(off);
    click('payments-card-off-confirm');
    await waitFor(() => expect(query('payments-card-off-dialog')).toBeNull());
    // Offline first: stopped half-way, the store never takes cards offline only.
    expect(setPaymentMethod.mock.calls).toEqual([
      [{ method: 'card_offline', availability: 'disabled', min: null, max: null, until: null, registers: null }, 'Terminalen är trasig'],
      [{ method: 'card_online', availability: 'disabled', min: null, max: null, until: null, registers: null }, 'Terminalen är trasig'],
    ]);
    expect(text('payments-done')).toBe('Kort är avstängt på alla kassor.');
    expect(get('payment-state-card_offline').dataset.availability).toBe('disabled');
    expect(text('payments-sign-sv')).toBe('I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort');
  });

  it('says clearly when the second step fails: the first stands, the second did not happen', async () => {
    await render();
    click('payments-card-off');
    typeInto('payments-card-off-reason', 'Terminalen är trasig');
    setPaymentMethod
      .mockResolvedValueOnce(VIEW)
      .mockRejectedValueOnce(apiError('database_locked', 'The database is busy', 'Databasen är upptagen'));
    click('payments-card-off-confirm');
    await waitFor(() =>
      expect(text('payments-card-off-dialog')).toContain(
        'Kort offline (skickas senare) är ändrat, men Kort (online) kunde inte ändras: Databasen är upptagen',
      ),
    );
    expect(setPaymentMethod).toHaveBeenCalledTimes(2);
    expect(setPaymentMethod.mock.calls.map(([form]) => form.method)).toEqual(['card_offline', 'card_online']);
  });

  it('takes cards again: ends every manager’s change to card, reads again, then sets what is still off enabled', async () => {
    // Card online off by a manager (change 8); card offline off by the system under its rule
    // (change 9) with an older manager's change (5) underneath that would come back once the
    // system's switch ended.
    const manual = paymentsView({
      in_force: inForce({
        card_online: { availability: 'disabled', reason: 'Trasig', set_by: ANNA, change_id: 8 },
        card_offline: { availability: 'disabled', reason: 'Kortinlösaren nere', rule: ACQUIRER_DOWN, change_id: 9 },
      }),
      changes: [
        paymentChange({ id: 5, method: 'card_offline', reason: 'Ingen offline i dag', starts_at: '2026-11-27T07:00:00Z' }),
        paymentChange({ id: 8, method: 'card_online', reason: 'Trasig' }),
        paymentChange({ id: 9, method: 'card_offline', set_by: null, rule: ACQUIRER_DOWN, reason: 'Kortinlösaren nere' }),
        paymentChange({ id: 10, method: 'swish', availability: 'limited', limits: { min: null, max: '200.00' }, reason: 'Swish strular' }),
      ],
    });
    // Both manager's changes ended: the system's switch of card offline still holds.
    const systemLeft = paymentsView({
      in_force: inForce({
        card_offline: { availability: 'disabled', reason: 'Kortinlösaren nere', rule: ACQUIRER_DOWN, change_id: 9 },
      }),
      changes: [paymentChange({ id: 9, method: 'card_offline', set_by: null, rule: ACQUIRER_DOWN, reason: 'Kortinlösaren nere' })],
    });
    const allOn = paymentsView({
      in_force: inForce({ card_offline: { availability: 'enabled', reason: 'Lagad', set_by: ANNA, change_id: 11 } }),
    });
    paymentsViewMock.mockResolvedValue(manual);
    await render();
    expect((get('payments-card-on') as HTMLButtonElement).disabled).toBe(false);
    get('payments-card-on').focus();
    click('payments-card-on');
    typeInto('payments-card-on-reason', 'Lagad');
    endPaymentChange.mockResolvedValueOnce(manual).mockResolvedValueOnce(systemLeft);
    setPaymentMethod.mockResolvedValue(allOn);
    click('payments-card-on-confirm');
    await waitFor(() => expect(query('payments-card-on-dialog')).toBeNull());
    // Every manager's change to card, not only the one deciding the state now; Swish's stays.
    expect(endPaymentChange.mock.calls).toEqual([
      [5, 'Lagad'],
      [8, 'Lagad'],
    ]);
    // The system's switch cannot be ended: a manager overrides it, after reading again.
    expect(setPaymentMethod.mock.calls).toEqual([
      [{ method: 'card_offline', availability: 'enabled', min: null, max: null, until: null, registers: null }, 'Lagad'],
    ]);
    expect(text('payments-done')).toBe('Kort tas emot igen.');
    expect((get('payments-card-on') as HTMLButtonElement).disabled).toBe(true);
    // The button went disabled: focus goes to its section's heading, not to the page's body.
    await waitFor(() => expect(document.activeElement).toBe(document.getElementById('payments-presets-title')));
  });

  it('says what still holds instead of “done” when card is still not taken afterwards', async () => {
    const manual = paymentsView({
      in_force: inForce({ card_online: { availability: 'disabled', reason: 'Trasig', set_by: ANNA, change_id: 8 } }),
      changes: [paymentChange({ id: 8, method: 'card_online', reason: 'Trasig' })],
    });
    // Ending the manager's change lets the system's switch show; the system switches again at
    // once (the acquirer is still down) after the manager's override.
    const system = paymentsView({
      in_force: inForce({ card_online: { availability: 'disabled', reason: 'Kortinlösaren svarar inte', rule: ACQUIRER_DOWN, change_id: 12 } }),
    });
    paymentsViewMock.mockResolvedValue(manual);
    await render();
    click('payments-card-on');
    typeInto('payments-card-on-reason', 'Lagad');
    endPaymentChange.mockResolvedValue(system);
    setPaymentMethod.mockResolvedValue(system);
    click('payments-card-on-confirm');
    await waitFor(() =>
      expect(text('payments-card-on-dialog')).toContain(
        'Kort tas ännu inte emot helt: Kort (online): tas inte emot (Systemet (automatiskt) – Kortinlösaren svarar inte)',
      ),
    );
    expect(endPaymentChange.mock.calls).toEqual([[8, 'Lagad']]);
    expect(setPaymentMethod).toHaveBeenCalledTimes(1);
    expect(query('payments-done')).toBeNull();
  });
});

describe('payments page: changes, rules, caps, offline report, links, sign', () => {
  it('ends a change in force with a reason', async () => {
    await render();
    expect(text('payments-change-6')).toContain('Swish: begränsat, upp till 200 kr');
    expect(text('payments-change-6')).toContain('Anledning: Swish strular över 200 kr');
    expect(text('payments-change-6')).toContain('Anna Lind');
    expect(text('payments-change-7')).toContain('Systemet (automatiskt) (Kortinlösaren nere → kort offline)');
    click('payments-end-6');
    expect(text('payments-end-dialog')).toContain('Ändringen slutar gälla nu: Swish: begränsat, upp till 200 kr');
    endPaymentChange.mockResolvedValue({ ...VIEW, changes: VIEW.changes.slice(1) });
    typeInto('payments-end-reason', 'Swish fungerar');
    click('payments-end-confirm');
    await waitFor(() => expect(query('payments-change-6')).toBeNull());
    expect(endPaymentChange.mock.calls).toEqual([[6, 'Swish fungerar']]);
    expect(text('payments-done')).toBe('Ändringen är avslutad.');
  });

  it('sets the fallback rules with a reason', async () => {
    await render();
    const box = (kind: string) => get(`payments-rule-${kind}`) as HTMLInputElement;
    expect(box('card_offline_when_acquirer_down').checked).toBe(true);
    expect(box('disable_card_at_exposure_cap').checked).toBe(false);
    expect(box('hide_swish_when_down').checked).toBe(true);
    expect(text('payments-rules')).toContain('När kortbetalningarna som inte skickats vidare når taket');
    box('disable_card_at_exposure_cap').click();
    box('hide_swish_when_down').click();
    flushSync();
    typeInto('payments-rules-reason', 'Mindre risk');
    setFallbackRules.mockResolvedValue({ ...VIEW, rules: [ACQUIRER_DOWN, { kind: 'disable_card_at_exposure_cap' }] });
    click('payments-rules-save');
    await waitFor(() => expect(query('payments-rules-done')).not.toBeNull());
    expect(setFallbackRules.mock.calls).toEqual([[[ACQUIRER_DOWN, { kind: 'disable_card_at_exposure_cap' }], 'Mindre risk']]);
  });

  it('shows the exposure against the cap, and sets the caps', async () => {
    await render();
    expect(text('payments-exposure-text')).toBe('1 250,00 kr av 5 000,00 kr (25 %)');
    expect((get('payments-exposure').querySelector('progress') as HTMLProgressElement).value).toBe(25);
    expect(value('payments-cap-per-payment')).toBe('1000');
    expect(value('payments-cap-total')).toBe('5000');
    expect(value('payments-cap-hours')).toBe('24');
    typeInto('payments-cap-per-payment', '500');
    typeInto('payments-cap-hours', '12');
    typeInto('payments-caps-reason', 'Mindre risk');
    setOfflineCaps.mockResolvedValue(VIEW);
    click('payments-caps-save');
    await waitFor(() => expect(query('payments-caps-done')).not.toBeNull());
    expect(setOfflineCaps.mock.calls).toEqual([[{ per_payment: '500', total_exposure: '5000', forward_within_hours: 12 }, 'Mindre risk']]);

    // Whole hours only; nothing is sent otherwise.
    typeInto('payments-cap-hours', '');
    typeInto('payments-caps-reason', 'x');
    click('payments-caps-save');
    expect(text('payments-offline')).toContain('Skriv tiden i hela timmar.');
    expect(setOfflineCaps).toHaveBeenCalledTimes(1);
  });

  it('reports the offline card payments: unforwarded with their age, overdue in words, declined, forwarded', async () => {
    await render();
    expect(text('payments-pending-summary')).toBe('2 betalningar, 1 250,00 kr. Den äldsta har väntat 26 h 40 min.');
    expect(text('payments-overdue')).toBe('1 har väntat längre än 24 h: kontrollera terminalens förbindelse.');
    const pending = [...container.querySelectorAll<HTMLElement>('[data-testid="offline-pending"]')];
    expect(pending.map((row) => row.dataset.overdue)).toEqual(['false', 'true']);
    expect(squash(pending[0]?.textContent)).toContain('2 h 5 min');
    expect(squash(pending[0]?.textContent)).toContain('Väntar');
    expect(squash(pending[1]?.textContent)).toContain('Försenad – skulle ha skickats inom 24 h');
    const declined = container.querySelectorAll('[data-testid="offline-declined"]');
    expect(declined).toHaveLength(1);
    expect(squash(declined[0]?.textContent)).toContain('Kortet är spärrat');
    expect(text('payments-declined-summary')).toContain('1 betalning, 300,00 kr');
    expect(text('offline-forwarded')).toBe('Skickade och godkända: 12 betalningar, 3 400,00 kr.');

    forwardOffline.mockResolvedValue({ ...VIEW, offline: offlineReport({ forwarded: 14, forwarded_total: '4650.00' }) });
    click('payments-forward');
    await waitFor(() => expect(text('offline-forwarded')).toBe('Skickade och godkända: 14 betalningar, 4 650,00 kr.'));
    expect(forwardOffline).toHaveBeenCalledTimes(1);
    expect(text('payments-forward-done')).toBe('Terminalen har svarat. 0 väntar fortfarande.');
  });

  it('shows the links’ health in words; with simulated devices, sets them as a simulator', async () => {
    await render('manager', false);
    expect(get('payments-health-acquirer').dataset.reachable).toBe('false');
    expect(text('payments-health-acquirer')).toBe('✕ Kortinlösaren: svarar inte');
    expect(text('payments-health-swish')).toBe('✓ Swish: svarar');
    expect(query('payments-sim-acquirer')).toBeNull();
    unmount(page!);
    page = null;
    container.remove();

    await render('manager', true);
    expect(text('payments-health')).toContain('Kortinlösaren nåbar (simulator)');
    simulateHealth.mockResolvedValue({ ...VIEW, health: { acquirer_reachable: true, swish_reachable: true } });
    click('payments-sim-acquirer');
    await waitFor(() => expect(get('payments-health-acquirer').dataset.reachable).toBe('true'));
    expect(simulateHealth.mock.calls).toEqual([[{ acquirer_reachable: true, swish_reachable: true }]]);
  });

  it('previews what customers are told, says where the files are, and opens the customer display', async () => {
    paymentsViewMock.mockResolvedValue({ ...VIEW, acceptance: NO_CARDS });
    await render();
    expect(text('payments-sign-sv')).toBe('I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort');
    expect(text('payments-sign-en')).toBe('Today we take: cash, Swish, Scan & Pay, gift vouchers — not cards');
    expect(text('payments-sign')).toContain('Tas inte emot nu: kort.');
    expect(text('payments-file-pdf')).toBe('/data/demo/public/payment-sign.pdf');
    expect(text('payments-file-html')).toBe('/data/demo/public/payment-sign.html');
    expect(text('payments-file-json')).toBe('/data/demo/public/payments.json');

    // The customer display is a window of its own: the page asks the app to open it.
    openCustomerDisplay.mockResolvedValueOnce(null);
    click('open-customer-display');
    await waitFor(() => expect(openCustomerDisplay).toHaveBeenCalledTimes(1));
    await waitFor(() => expect((get('open-customer-display') as HTMLButtonElement).disabled).toBe(false));
    expect(go).not.toHaveBeenCalled();
    expect(query('payments-view')).not.toBeNull();
    expect(get('payments-sign').querySelector('[data-testid="error"]')).toBeNull();

    // It could not be opened: the page says why.
    openCustomerDisplay.mockRejectedValueOnce(apiError('internal', 'The window could not be made', 'Fönstret kunde inte skapas'));
    click('open-customer-display');
    await waitFor(() => expect(text('payments-sign')).toContain('Fönstret kunde inte skapas'));
    expect(openCustomerDisplay).toHaveBeenCalledTimes(2);
  });

  it('gives every field a label and every button words', async () => {
    await render('manager', true);
    click('payments-set-swish');
    for (const field of container.querySelectorAll<HTMLInputElement>('input, textarea')) {
      const labelled =
        field.getAttribute('aria-label') ||
        (field.id && container.querySelector(`label[for="${field.id}"]`)) ||
        field.closest('label');
      expect(labelled, field.dataset.testid ?? field.outerHTML).toBeTruthy();
    }
    for (const button of container.querySelectorAll<HTMLButtonElement>('button')) {
      expect(squash(button.textContent)).not.toBe('');
    }
  });
});

describe('payments page: answers, events and the forms', () => {
  it('shows the newer state when an event lands while a command is on its way: it reads again after the answer', async () => {
    await render();
    click('payments-set-swish');
    typeInto('payment-max', '250');
    typeInto('payment-set-reason', 'Högre gräns');
    // The manager's change (its answer: Swish limited to 250 kr) ...
    const answer = paymentsView({
      in_force: inForce({ swish: { availability: 'limited', limits: { min: null, max: '250.00' }, reason: 'Högre gräns', set_by: ANNA } }),
    });
    let answerNow: (view: PaymentsInfo) => void = () => {};
    setPaymentMethod.mockImplementation(() => new Promise((resolve) => (answerNow = resolve)));
    click('payment-set-submit');
    await waitFor(() => expect(setPaymentMethod).toHaveBeenCalledTimes(1));

    // ... is overtaken in the backend: Swish stops answering and the system hides it; its event
    // lands while the command is still on its way (the page's read waits behind it).
    const newer = paymentsView({
      in_force: inForce({ swish: { availability: 'disabled', reason: 'Swish svarar inte', rule: { kind: 'hide_swish_when_down' }, change_id: 13 } }),
    });
    movedOn = newer;
    paymentsViewMock.mockResolvedValue(newer);
    sendEvent(paymentsStatus({ in_force: newer.in_force }));

    answerNow(answer);
    await waitFor(() => expect(query('payment-set-dialog')).toBeNull());
    // The answer is older than the event: the last word is a read made after it.
    await waitFor(() => expect(get('payment-state-swish').dataset.availability).toBe('disabled'));
    expect(cell('payment-state-swish', 'payment-state-set-by')).toBe('Systemet (automatiskt) Swish nere → dölj Swish');
    await new Promise((resolve) => setTimeout(resolve, 20));
    flushSync();
    expect(get('payment-state-swish').dataset.availability).toBe('disabled');
  });

  it('refills the fallback rules from the backend, except the boxes the manager has changed', async () => {
    await render();
    const box = (kind: string) => get(`payments-rule-${kind}`) as HTMLInputElement;

    // Changed on another register; nothing touched here: the boxes follow.
    paymentsViewMock.mockResolvedValue({ ...VIEW, rules: [ACQUIRER_DOWN, { kind: 'disable_card_at_exposure_cap' }] });
    sendEvent(paymentsStatus());
    await waitFor(() => expect(box('disable_card_at_exposure_cap').checked).toBe(true));
    expect(box('hide_swish_when_down').checked).toBe(false);
    expect(query('payments-rules-meanwhile')).toBeNull();

    // The manager ticks Swish; meanwhile every rule is switched off elsewhere.
    box('hide_swish_when_down').click();
    flushSync();
    paymentsViewMock.mockResolvedValue({ ...VIEW, rules: [] });
    sendEvent(paymentsStatus());
    await waitFor(() => expect(box('card_offline_when_acquirer_down').checked).toBe(false));
    expect(box('disable_card_at_exposure_cap').checked).toBe(false);
    expect(box('hide_swish_when_down').checked).toBe(true);
    expect(text('payments-rules-meanwhile')).toContain('Reglerna ändrades någon annanstans');

    // The save sends the manager's box and what the backend has for the rest, never the old state.
    setFallbackRules.mockResolvedValue({ ...VIEW, rules: [{ kind: 'hide_swish_when_down' }] });
    typeInto('payments-rules-reason', 'Swish strular');
    click('payments-rules-save');
    await waitFor(() => expect(query('payments-rules-done')).not.toBeNull());
    expect(setFallbackRules.mock.calls).toEqual([[[{ kind: 'hide_swish_when_down' }], 'Swish strular']]);
    expect(query('payments-rules-meanwhile')).toBeNull();
  });

  it('refills the offline caps from the backend; a field changed both here and there stops the first save', async () => {
    await render();
    const withCaps = (per: string, total: string, hours: number): PaymentsInfo => ({
      ...VIEW,
      in_force: { ...VIEW.in_force, caps: { per_payment: per, total_exposure: total, forward_within_hours: hours } },
    });

    // Changed elsewhere, nothing typed here: the fields follow.
    paymentsViewMock.mockResolvedValue(withCaps('800.00', '5000.00', 24));
    sendEvent(paymentsStatus());
    await waitFor(() => expect(value('payments-cap-per-payment')).toBe('800'));

    // The manager types a total; meanwhile the total and the hours change elsewhere.
    typeInto('payments-cap-total', '6000');
    paymentsViewMock.mockResolvedValue(withCaps('800.00', '7000.00', 12));
    sendEvent(paymentsStatus());
    await waitFor(() => expect(value('payments-cap-hours')).toBe('12'));
    expect(value('payments-cap-total')).toBe('6000');
    expect(value('payments-cap-per-payment')).toBe('800');
    expect(text('payments-caps-meanwhile')).toBe(
      'Ändrat någon annanstans medan du skrev: Högst inte vidareskickat totalt: 7 000,00 kr. Kontrollera fälten och spara igen.',
    );

    // The first save says so and sends nothing; the next one sends what is on the screen.
    typeInto('payments-caps-reason', 'Mer utrymme');
    click('payments-caps-save');
    expect(text('payments-offline')).toContain('Ändrat någon annanstans medan du skrev');
    expect(setOfflineCaps).not.toHaveBeenCalled();
    setOfflineCaps.mockResolvedValue(withCaps('800.00', '6000.00', 12));
    click('payments-caps-save');
    await waitFor(() => expect(query('payments-caps-done')).not.toBeNull());
    expect(setOfflineCaps.mock.calls).toEqual([[{ per_payment: '800', total_exposure: '6000', forward_within_hours: 12 }, 'Mer utrymme']]);
  });

  it('shows the simulated link as it is again after a refused call', async () => {
    await render('manager', true);
    const acquirer = get('payments-sim-acquirer') as HTMLInputElement;
    expect(acquirer.checked).toBe(false);
    simulateHealth.mockRejectedValue(apiError('not_allowed', 'Not allowed', 'Inte tillåtet'));
    acquirer.click();
    flushSync();
    await waitFor(() => expect(text('payments-health')).toContain('Inte tillåtet'));
    await waitFor(() => expect(acquirer.checked).toBe(false));
    expect(simulateHealth.mock.calls).toEqual([[{ acquirer_reachable: true, swish_reachable: true }]]);
  });

  it('says each limit on the sign once, in the backend’s words', async () => {
    paymentsViewMock.mockResolvedValue({
      ...VIEW,
      acceptance: {
        ...NO_CARDS,
        taken: [{ method: 'swish', min: null, max: '200.00', sv: 'Swish upp till 200 kr', en: 'Swish up to 200 kr' }],
      },
    });
    await render();
    expect(text('payments-sign-limits')).toBe('Swish upp till 200 kr · Swish up to 200 kr');
  });

  it('words the offline statuses and counts one payment in the singular', async () => {
    paymentsViewMock.mockResolvedValue({
      ...VIEW,
      offline: offlineReport({
        pending: [offlinePayment({ authorization: 'OFF-1', amount: '450.00', age_minutes: 30 })],
        pending_total: '450.00',
        oldest_minutes: 30,
        declined: [offlinePayment({ authorization: 'OFF-X', status: 'declined', detail: null, settled_at: '2026-11-27T10:00:00Z' })],
        declined_total: '450.00',
        forwarded: 1,
        forwarded_total: '99.00',
      }),
    });
    await render();
    expect(text('payments-pending-summary')).toBe('1 betalning, 450,00 kr. Den äldsta har väntat 30 min.');
    expect(text('offline-forwarded')).toBe('Skickade och godkända: 1 betalning, 99,00 kr.');
    expect(text('offline-declined-detail')).toBe('Nekad');
    locale.set('en');
    flushSync();
    expect(text('payments-pending-summary')).toBe('1 payment, 450,00 kr. The oldest has waited 30 min.');
    expect(text('offline-declined-detail')).toBe('Declined');
  });

  it('puts focus on the section’s heading when the button that opened a dialog is gone', async () => {
    await render();
    get('payments-end-6').focus();
    click('payments-end-6');
    endPaymentChange.mockResolvedValue({ ...VIEW, changes: VIEW.changes.slice(1) });
    typeInto('payments-end-reason', 'Swish fungerar');
    click('payments-end-confirm');
    await waitFor(() => expect(query('payments-change-6')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(document.getElementById('payments-changes-title')));
  });
});
