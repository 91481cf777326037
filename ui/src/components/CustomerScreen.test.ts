import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ApiError, CustomerView, HoursStatus, PaymentsStatus } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { ALL_TAKEN, NO_CARDS, paymentsStatus } from '../lib/testing/payments';
import CustomerScreen from './CustomerScreen.svelte';

// ---------------------------------------------------------------- fixtures

const OPEN: HoursStatus = {
  at: '2026-11-27T19:35:00Z',
  open: true,
  decided: { kind: 'weekly', weekday: 'friday' },
  since: '2026-11-27T07:00:00Z',
  next_change: '2026-11-27T20:00:00Z',
  minutes_to_change: 25,
  in_grace: false,
  refresh_at: '2026-11-27T20:00:00Z',
  summary_sv: 'Öppet – stänger 21:00 (om 25 min)',
  summary_en: 'Open – closes 21:00 (in 25 min)',
  reason_sv: 'Ordinarie veckoschema (fredag)',
  reason_en: 'Regular weekly hours (Friday)',
};

const CLOSED: HoursStatus = {
  ...OPEN,
  open: false,
  decided: { kind: 'override', id: 3, open: false, reason: 'Vattenläcka' },
  next_change: null,
  minutes_to_change: null,
  summary_sv: 'Stängt tills vidare',
  summary_en: 'Closed until further notice',
};

const VIEW: CustomerView = {
  store_name: 'Demobutiken AB',
  acceptance: NO_CARDS,
  hours: OPEN,
  notice: { sv: 'Julafton öppet 8–13.', en: 'Christmas Eve open 8–13.' },
};

// ---------------------------------------------------------------- fake api

const customerDisplay = vi.fn<Api['customerDisplay']>();
const onPaymentsChanged = vi.fn<Api['onPaymentsChanged']>();
const onHoursChanged = vi.fn<Api['onHoursChanged']>();
const unlistenPayments = vi.fn();
const unlistenHours = vi.fn();
let paymentsEvent: (status: PaymentsStatus) => void = () => {
  throw new Error('nobody listens to payments-changed');
};
let hoursEvent: (status: HoursStatus) => void = () => {
  throw new Error('nobody listens to hours-changed');
};

// ----------------------------------------------------------------- helpers

let screen: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(options: { retryMs?: number } = {}): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  screen = mount(CustomerScreen, {
    target: container,
    props: { api: { customerDisplay, onPaymentsChanged, onHoursChanged }, retryMs: options.retryMs ?? 0 },
  });
  flushSync();
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function text(testId: string): string {
  return (get(testId).textContent ?? '').replace(/\s+/g, ' ').trim();
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

const failure: ApiError = { code: 'storage', message: 'The database cannot be read', message_sv: 'Databasen kan inte läsas' };

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  for (const mock of [customerDisplay, onPaymentsChanged, onHoursChanged, unlistenPayments, unlistenHours]) mock.mockReset();
  customerDisplay.mockResolvedValue(VIEW);
  onPaymentsChanged.mockImplementation(async (handler) => {
    paymentsEvent = handler;
    return unlistenPayments;
  });
  onHoursChanged.mockImplementation(async (handler) => {
    hoursEvent = handler;
    return unlistenHours;
  });
});

afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('customer display (its own window)', () => {
  it('shows the store, what is taken today (large), the hours and the notice, in Swedish and English at once', async () => {
    // The till's language does not matter here: customers read both.
    locale.set('en');
    render();
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    expect(customerDisplay).toHaveBeenCalledTimes(1);
    expect(text('customer-screen-store')).toBe('Demobutiken AB');

    const banner = get('customer-screen-acceptance').querySelector<HTMLElement>('[data-testid="payment-banner"]')!;
    expect(banner.classList.contains('large')).toBe(true);
    expect(text('payment-banner-sv')).toBe('I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort');
    expect(text('payment-banner-en')).toBe('Today we take: cash, Swish, Scan & Pay, gift vouchers — not cards');

    expect(get('customer-screen-hours').dataset.open).toBe('true');
    expect(text('customer-screen-hours-sv')).toBe('Öppet – stänger 21:00 (om 25 min)');
    expect(get('customer-screen-hours-sv').getAttribute('lang')).toBe('sv');
    expect(text('customer-screen-hours-en')).toBe('Open – closes 21:00 (in 25 min)');
    expect(get('customer-screen-hours-en').getAttribute('lang')).toBe('en');

    expect(text('customer-screen-notice-sv')).toBe('Julafton öppet 8–13.');
    expect(text('customer-screen-notice-en')).toBe('Christmas Eve open 8–13.');

    // Nothing to press, nothing staff-only.
    expect(container.querySelectorAll('button, input, select, textarea, a')).toHaveLength(0);
    expect(container.textContent).not.toContain('Kassa');
  });

  it('leaves the notice out when the store has none', async () => {
    customerDisplay.mockResolvedValue({ ...VIEW, acceptance: ALL_TAKEN, notice: { sv: '  ', en: '' } });
    render();
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    expect(query('customer-screen-notice')).toBeNull();
    expect(get('payment-banner').dataset.restricted).toBe('false');
  });

  it('reads the view again on each payments-changed and hours-changed event', async () => {
    render();
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    await waitFor(() => expect(onPaymentsChanged).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(onHoursChanged).toHaveBeenCalledTimes(1));

    // A manager takes cards again.
    customerDisplay.mockResolvedValue({ ...VIEW, acceptance: ALL_TAKEN });
    paymentsEvent(paymentsStatus({ acceptance: ALL_TAKEN }));
    await waitFor(() => expect(text('payment-banner-sv')).toBe('I dag tar vi: kontanter, kort, Swish, Scan & Pay, presentkort'));
    expect(customerDisplay).toHaveBeenCalledTimes(2);

    // The store closes.
    customerDisplay.mockResolvedValue({ ...VIEW, acceptance: ALL_TAKEN, hours: CLOSED });
    hoursEvent(CLOSED);
    await waitFor(() => expect(text('customer-screen-hours-sv')).toBe('Stängt tills vidare'));
    expect(get('customer-screen-hours').dataset.open).toBe('false');
    expect(text('customer-screen-hours-en')).toBe('Closed until further notice');
    expect(customerDisplay).toHaveBeenCalledTimes(3);
  });

  it('shows only the newest answer when reads overtake each other', async () => {
    render();
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    let answerOld: (view: CustomerView) => void = () => {};
    customerDisplay.mockImplementationOnce(() => new Promise((resolve) => (answerOld = resolve)));
    customerDisplay.mockResolvedValueOnce({ ...VIEW, acceptance: ALL_TAKEN });
    paymentsEvent(paymentsStatus());
    paymentsEvent(paymentsStatus({ acceptance: ALL_TAKEN }));
    await waitFor(() => expect(get('payment-banner').dataset.restricted).toBe('false'));
    answerOld({ ...VIEW, acceptance: NO_CARDS });
    await new Promise((resolve) => setTimeout(resolve, 10));
    flushSync();
    expect(get('payment-banner').dataset.restricted).toBe('false');
  });

  it('says clearly, in both languages, when it cannot read what to show, and tries again', async () => {
    customerDisplay.mockRejectedValueOnce(failure);
    render({ retryMs: 20 });
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('error'));
    expect(get('customer-screen-error').getAttribute('role')).toBe('alert');
    expect(text('customer-screen-error')).toContain('Skärmen kan inte visa betalsätten just nu. Fråga gärna i kassan.');
    expect(text('customer-screen-error')).toContain('This screen cannot show the payment methods right now. Please ask at the till.');
    expect(text('customer-screen-error-detail')).toBe('Databasen kan inte läsas');
    // What was taken before is not shown as if it still held.
    expect(query('payment-banner')).toBeNull();

    // It tries again by itself and shows the display once it can.
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    expect(customerDisplay.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(text('customer-screen-store')).toBe('Demobutiken AB');
  });

  it('shows the error when a later read fails (an event), not the old state', async () => {
    render();
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    customerDisplay.mockRejectedValueOnce(failure);
    hoursEvent(CLOSED);
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('error'));
    expect(query('payment-banner')).toBeNull();
  });

  it('stops listening when it is closed', async () => {
    render();
    await waitFor(() => expect(onHoursChanged).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(get('customer-screen').dataset.state).toBe('ready'));
    unmount(screen!);
    screen = null;
    expect(unlistenPayments).toHaveBeenCalledTimes(1);
    expect(unlistenHours).toHaveBeenCalledTimes(1);
  });
});
