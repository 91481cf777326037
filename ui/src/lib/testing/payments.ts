// Payment-method and Scan & Pay fixtures shared by the tests (never imported by the app).

import type {
  Acceptance,
  CustomerMethod,
  InForce,
  MethodState,
  OfflinePayment,
  OfflineReport,
  PaymentChange,
  PaymentMethod,
  PaymentsStatus,
  PaymentsView,
  Purchase,
  ReceivedPurchase,
  ScanAndPayDay,
} from '../bindings';

export const ANNA = { id: 1, name: 'Anna Lind' };
export const KALLE = { id: 2, name: 'Kalle Karlsson' };

const METHODS: PaymentMethod[] = ['cash', 'card_online', 'card_offline', 'swish', 'scan_and_pay', 'gift_voucher'];

/** A method's state in force: by default enabled by nobody (the default). */
export function methodState(method: PaymentMethod, extra: Partial<MethodState> = {}): MethodState {
  return {
    method,
    availability: 'enabled',
    limits: { min: null, max: null },
    reason: null,
    set_by: null,
    rule: null,
    change_id: null,
    since: null,
    until: null,
    registers: null,
    ...extra,
  };
}

/**
 * Every method in the backend's order, enabled unless `states` says otherwise; caps 1 000 kr per
 * payment, 5 000 kr in all, forwarded within 24 h; nothing out offline.
 */
export function inForce(states: Partial<Record<PaymentMethod, Partial<MethodState>>> = {}, extra: Partial<InForce> = {}): InForce {
  return {
    methods: METHODS.map((method) => methodState(method, states[method] ?? {})),
    caps: { per_payment: '1000.00', total_exposure: '5000.00', forward_within_hours: 24 },
    exposure: '0.00',
    ...extra,
  };
}

const customer = (method: PaymentMethod, sv: string, en: string): CustomerMethod => ({ method, min: null, max: null, sv, en });

export const CASH = customer('cash', 'kontanter', 'cash');
export const CARD = customer('card_online', 'kort', 'cards');
export const SWISH = customer('swish', 'Swish', 'Swish');
export const SCAN_AND_PAY = customer('scan_and_pay', 'Scan & Pay', 'Scan & Pay');
export const VOUCHER = customer('gift_voucher', 'presentkort', 'gift vouchers');

/** Everything taken: no banner. */
export const ALL_TAKEN: Acceptance = {
  taken: [CASH, CARD, SWISH, SCAN_AND_PAY, VOUCHER],
  not_taken: [],
  all_taken: true,
  restricted: false,
  sv: 'I dag tar vi: kontanter, kort, Swish, Scan & Pay, presentkort',
  en: 'Today we take: cash, cards, Swish, Scan & Pay, gift vouchers',
};

/** Card down: what customers are told. */
export const NO_CARDS: Acceptance = {
  taken: [CASH, SWISH, SCAN_AND_PAY, VOUCHER],
  not_taken: [CARD],
  all_taken: false,
  restricted: true,
  sv: 'I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort',
  en: 'Today we take: cash, Swish, Scan & Pay, gift vouchers — not cards',
};

export function paymentsStatus(extra: Partial<PaymentsStatus> = {}): PaymentsStatus {
  return {
    in_force: inForce(),
    acceptance: ALL_TAKEN,
    health: { acquirer_reachable: true, swish_reachable: true },
    overdue_offline: 0,
    ...extra,
  };
}

export function offlinePayment(extra: Partial<OfflinePayment> = {}): OfflinePayment {
  return {
    authorization: 'OFF-1',
    register_id: 'KASSA-1',
    receipt_no: 41,
    amount: '450.00',
    taken_at: '2026-11-27T12:30:00Z',
    age_minutes: 125,
    overdue: false,
    status: 'pending',
    settled_at: null,
    detail: null,
    ...extra,
  };
}

export function offlineReport(extra: Partial<OfflineReport> = {}): OfflineReport {
  return {
    caps: { per_payment: '1000.00', total_exposure: '5000.00', forward_within_hours: 24 },
    pending: [],
    pending_total: '0.00',
    overdue: 0,
    oldest_minutes: null,
    declined: [],
    declined_total: '0.00',
    forwarded: 0,
    forwarded_total: '0.00',
    ...extra,
  };
}

/** A manager's (or, with `set_by: null` and a rule, the system's) change. */
export function paymentChange(extra: Partial<PaymentChange> = {}): PaymentChange {
  return {
    id: 1,
    method: 'card_online',
    availability: 'disabled',
    limits: { min: null, max: null },
    reason: 'Terminalen är trasig',
    set_by: ANNA,
    rule: null,
    starts_at: '2026-11-27T13:00:00Z',
    until: null,
    registers: null,
    ended: null,
    ...extra,
  };
}

export function paymentsView(extra: Partial<PaymentsView> = {}): PaymentsView {
  return {
    register_id: 'KASSA-1',
    in_force: inForce(),
    acceptance: ALL_TAKEN,
    changes: [],
    automatic: [],
    rules: [],
    health: { acquirer_reachable: true, swish_reachable: true },
    offline: offlineReport(),
    public_dir: '/data/demo/public',
    ...extra,
  };
}

export function purchase(id: string, extra: Partial<Purchase> = {}): Purchase {
  return {
    id,
    completed_at: '2026-11-27T13:05:00Z',
    app_receipt: `A-${id}`,
    lines: [
      { code: '7310865004703', name: 'Mjölk 1,5 %', quantity: '2', unit_price: '14.90', vat_rate: '12', line_total: '29.80' },
      { code: null, name: 'Bananer', quantity: '0.425', unit_price: '24.90', vat_rate: '12', line_total: '10.58' },
    ],
    total: '40.38',
    payment: { provider: 'card', reference: `PAY-${id}` },
    ...extra,
  };
}

export function received(id: string, extra: Partial<ReceivedPurchase> = {}, purchaseExtra: Partial<Purchase> = {}): ReceivedPurchase {
  return {
    purchase: purchase(id, purchaseExtra),
    received_at: '2026-11-27T13:05:30Z',
    source: 'endpoint',
    checks: [],
    ...extra,
  };
}

export function scanAndPayDay(extra: Partial<ScanAndPayDay> = {}): ScanAndPayDay {
  return {
    date: '2026-11-27',
    purchases: [],
    total: '0.00',
    unchecked: 0,
    discrepancies: 0,
    endpoint_enabled: false,
    ...extra,
  };
}
