import { flushSync, mount, unmount, type ComponentProps } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiError, PaymentsStatus, PricedCart, Tender } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { ANNA, inForce, paymentsStatus } from '../lib/testing/payments';
import { reactiveProps } from '../lib/testing/props.svelte';
import PaymentPanel from './PaymentPanel.svelte';

// ---------------------------------------------------------------- fixtures

const CART: PricedCart = {
  lines: [],
  subtotal: '149.00',
  line_discounts: '0.00',
  sale_discount: null,
  sale_discount_amount: '0.00',
  total: '149.00',
  vat: [],
  tenders: [],
  paid: '0.00',
  remaining: '149.00',
  cash_total: '149.00',
  cash_rounding: '0.00',
  outside_hours: null,
};

const CARD_DOWN = paymentsStatus({
  in_force: inForce({
    card_online: { availability: 'disabled', reason: 'Kortterminalen är trasig', set_by: ANNA, change_id: 4 },
    card_offline: { availability: 'disabled', reason: 'Kortterminalen är trasig', set_by: ANNA, change_id: 5 },
  }),
});

const SWISH_LIMITED = paymentsStatus({
  in_force: inForce({ swish: { availability: 'limited', limits: { min: null, max: '200.00' }, reason: 'Swish strular', set_by: ANNA } }),
});

const CARD_OFFLINE = paymentsStatus({
  in_force: inForce(
    { card_online: { availability: 'disabled', reason: 'Kortinlösaren svarar inte', rule: { kind: 'card_offline_when_acquirer_down' } } },
    { exposure: '0.00' },
  ),
  health: { acquirer_reachable: false, swish_reachable: true },
});

// ----------------------------------------------------------------- helpers

const onpaycash = vi.fn<(tendered: string, partial: boolean) => void>();
const onpaycard = vi.fn<(amount: string | null) => void>();
const onswish = vi.fn<(amount: string | null) => void>();
const onvoucher = vi.fn<(code: string, amount: string | null) => void>();

let panel: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

/** The panel's props; a test may change `payments` (or the cart) after it is shown. */
let props: ComponentProps<typeof PaymentPanel>;

function render(
  payments: PaymentsStatus | null,
  extra: { error?: ApiError | null; cardUnknown?: boolean; cart?: PricedCart } = {},
): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  props = reactiveProps<ComponentProps<typeof PaymentPanel>>({
    cart: extra.cart ?? CART,
    swish: null,
    cardUnknown: extra.cardUnknown ?? false,
    locked: false,
    submitting: false,
    error: extra.error ?? null,
    payments,
    onpaycash,
    onpaycard,
    onswish,
    onswishcancel: vi.fn(),
    onvoucher,
    onclearcard: vi.fn(),
    oncancel: vi.fn(),
  });
  panel = mount(PaymentPanel, { target: container, props });
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

/** Collapses whitespace, the no-break spaces of amounts included. */
function text(testId: string): string {
  return (get(testId).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function button(testId: string): HTMLButtonElement {
  return get(testId) as HTMLButtonElement;
}

function press(key: string): void {
  get('payment-panel').dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  flushSync();
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  for (const mock of [onpaycash, onpaycard, onswish, onvoucher]) mock.mockReset();
});

afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('payment panel with the methods in force', () => {
  it('offers every method with nothing beside it when all are taken, or the state is not known', () => {
    for (const payments of [paymentsStatus(), null]) {
      render(payments);
      for (const id of ['pay-card', 'pay-swish', 'pay-voucher']) {
        expect(button(id).dataset.available, id).toBe('true');
        expect(button(id).disabled, id).toBe(false);
      }
      expect(button('complete-sale').dataset.available).toBe('true');
      expect(query('pay-card-note')).toBeNull();
      expect(query('pay-swish-note')).toBeNull();
      unmount(panel!);
      panel = null;
      container.remove();
    }
  });

  it('greys out card when both card methods are off, says why, and F1 shows the reason instead of paying', () => {
    render(CARD_DOWN);
    const card = button('pay-card');
    expect(card.disabled).toBe(true);
    expect(card.dataset.available).toBe('false');
    expect(text('pay-card-note')).toBe('Tas inte nu: Kortterminalen är trasig');
    expect(card.getAttribute('aria-describedby')).toBe('pay-card-note');
    // The others are still there.
    expect(button('pay-swish').disabled).toBe(false);
    expect(button('pay-swish').dataset.available).toBe('true');

    press('F1');
    expect(onpaycard).not.toHaveBeenCalled();
    expect(get('error').dataset.code).toBe('method_refused');
    expect(text('error-message')).toBe('Kort – Tas inte nu: Kortterminalen är trasig');

    // Swish is taken: its key pays, and the refusal goes.
    press('F2');
    expect(onswish).toHaveBeenCalledWith(null);
    expect(query('error')).toBeNull();
  });

  it('lets the cashier answer a card payment of unknown outcome even with card off', () => {
    render(CARD_DOWN, { cardUnknown: true });
    expect(button('pay-card').disabled).toBe(false);
    press('F1');
    expect(onpaycard).toHaveBeenCalledTimes(1);
  });

  it('shows a limited Swish’s limit beside it, and still takes it', () => {
    render(SWISH_LIMITED);
    expect(text('pay-swish-note')).toBe('upp till 200 kr');
    expect(button('pay-swish').dataset.available).toBe('true');
    expect(button('pay-swish').disabled).toBe(false);
    typeInto('pay-amount-input', '150');
    button('pay-swish').click();
    expect(onswish).toHaveBeenCalledWith('150');

    locale.set('en');
    flushSync();
    expect(text('pay-swish-note')).toBe('up to 200 kr');
  });

  it('says the card goes offline, and up to how much', () => {
    render(CARD_OFFLINE);
    expect(button('pay-card').dataset.available).toBe('true');
    expect(button('pay-card').disabled).toBe(false);
    expect(text('pay-card-note')).toBe('Kort offline, upp till 1 000 kr');
  });

  it('takes no cash when cash is off: the buttons are disabled and Enter says why', () => {
    render(paymentsStatus({ in_force: inForce({ cash: { availability: 'disabled', reason: 'Kassalådan har fastnat', set_by: ANNA } }) }));
    expect(text('pay-cash-note')).toBe('Tas inte nu: Kassalådan har fastnat');
    for (const quick of container.querySelectorAll<HTMLButtonElement>('[data-testid="quick-tender"]')) {
      expect(quick.disabled).toBe(true);
      expect(quick.dataset.available).toBe('false');
    }
    typeInto('tendered-input', '200');
    expect(button('complete-sale').disabled).toBe(true);
    expect(button('complete-sale').dataset.available).toBe('false');
    get('tendered-input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    flushSync();
    expect(onpaycash).not.toHaveBeenCalled();
    expect(text('error-message')).toBe('Kontant – Tas inte nu: Kassalådan har fastnat');
  });

  it('shows the backend’s refusal as it is (it names the methods that would work)', () => {
    const refused: ApiError = {
      code: 'method_refused',
      message: 'Swish is taken up to 200.00 kr per payment. Take Cash, Card, Gift voucher instead',
      message_sv: 'Swish tas upp till 200,00 kr per betalning. Ta i stället Kontanter, Kort, Presentkort',
    };
    render(SWISH_LIMITED, { error: refused });
    expect(text('error-message')).toBe('Swish tas upp till 200,00 kr per betalning. Ta i stället Kontanter, Kort, Presentkort');
  });
});

describe('payment panel: what changes while it is open', () => {
  it('drops a shown refusal when the methods in force change', () => {
    render(CARD_DOWN);
    press('F1');
    expect(text('error-message')).toBe('Kort – Tas inte nu: Kortterminalen är trasig');
    // A manager takes cards again: the refusal no longer holds.
    props.payments = paymentsStatus();
    flushSync();
    expect(query('error')).toBeNull();
    expect(button('pay-card').disabled).toBe(false);
    press('F1');
    expect(onpaycard).toHaveBeenCalledWith(null);
  });

  it('counts what the sale already took by card offline against the per-payment cap', () => {
    const offline = (amount: string): Tender => ({ method: 'card', amount, tendered: amount, change: '0.00', reference: 'OFF-1', offline: true });
    const online: Tender = { method: 'card', amount: '500.00', tendered: '500.00', change: '0.00', reference: 'ON-1', offline: false };
    // 1 000 kr per payment; this sale took 600 kr offline (and 500 kr online, which does not count).
    render(CARD_OFFLINE, { cart: { ...CART, total: '2000.00', tenders: [offline('600.00'), online], paid: '1100.00', remaining: '900.00' } });
    expect(text('pay-card-note')).toBe('Kort offline, upp till 400 kr');
    expect(button('pay-card').disabled).toBe(false);

    // The sale has taken the whole cap offline: card is not offered, and says why.
    props.cart = { ...CART, total: '2000.00', tenders: [offline('600.00'), offline('400.00')], paid: '1000.00', remaining: '1000.00' };
    flushSync();
    expect(button('pay-card').disabled).toBe(true);
    expect(text('pay-card-note')).toBe('Tas inte nu: köpet har redan tagit 1 000 kr med kort offline (högst 1 000 kr per köp)');
    press('F1');
    expect(onpaycard).not.toHaveBeenCalled();
    expect(text('error-message')).toBe('Kort – Tas inte nu: köpet har redan tagit 1 000 kr med kort offline (högst 1 000 kr per köp)');
  });
});
