import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import App from './App.svelte';
import type {
  Approval,
  CashInstead,
  AuditEntry,
  CatalogItem,
  Delivery,
  Discount,
  HoursStatus,
  HoursView,
  OutsideHours,
  PaymentsStatus,
  PricedCart,
  PricedLine,
  Receipt,
  ReturnPlan,
  SaleView,
  StaffMember,
  StoreStatus,
  Tender,
  TillState,
} from './lib/bindings';
import { locale } from './lib/locale.svelte';
import { ALL_TAKEN, inForce, NO_CARDS, paymentsStatus, paymentsView, received, scanAndPayDay } from './lib/testing/payments';
import { DEGRADED_MODE, incidentSummary, statusBoard } from './lib/testing/status';

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
    discount_amount: '0.00',
    sale_discount_share: '0.00',
    discount: null,
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
    discount_amount: '0.00',
    sale_discount_share: '0.00',
    discount: null,
  },
};

/** Test arithmetic on öre (the UI itself never computes money). */
const ore = (money: string) => Math.round(Number(money) * 100);
const kr = (value: number) => (value / 100).toFixed(2);

/** A cart as the backend would price it; the numbers are canned, the UI only shows them. */
function cartOf(lines: PricedLine[], tenders: Tender[] = [], saleDiscount: Discount | null = null): PricedCart {
  const base =
    lines.length === 0
      ? { total: '0.00', vat: [], cash_total: '0.00', cash_rounding: '0.00' }
      : lines.length === 1
        ? {
            total: '14.90',
            vat: [{ rate_percent: '12', gross: '14.90', vat: '1.60', net: '13.30' }],
            cash_total: '15.00',
            cash_rounding: '0.10',
          }
        : {
            total: '1079.55',
            vat: [
              { rate_percent: '12', gross: '79.90', vat: '8.56', net: '71.34' },
              { rate_percent: '25', gross: '999.65', vat: '199.93', net: '799.72' },
            ],
            cash_total: '1080.00',
            cash_rounding: '0.45',
          };
  const lineDiscounts = lines.reduce((sum, l) => sum + ore(l.discount_amount), 0);
  const paid = tenders.reduce((sum, t) => sum + ore(t.amount), 0);
  const remaining = ore(base.total) - paid;
  const cash = tenders.length ? Math.round(remaining / 100) * 100 : ore(base.cash_total);
  return {
    lines,
    subtotal: kr(ore(base.total) + lineDiscounts),
    line_discounts: kr(lineDiscounts),
    sale_discount: saleDiscount,
    sale_discount_amount: saleDiscount ? '10.00' : '0.00',
    total: base.total,
    vat: base.vat,
    tenders,
    paid: kr(paid),
    remaining: kr(remaining),
    cash_total: kr(cash),
    cash_rounding: kr(cash - remaining),
    outside_hours: null,
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
  // The mocked backend fills these in from its own state (see store_status below).
  staff: [],
  needs_first_manager: false,
  demo_staff: [
    { name: 'Anna Andersson', role: 'manager', pin: '1111' },
    { name: 'Kalle Karlsson', role: 'cashier', pin: '2222' },
  ],
  session: null,
  simulated_devices: false,
};

const ANNA: StaffMember = { id: 1, name: 'Anna Andersson', role: 'manager', active: true };
const KALLE: StaffMember = { id: 2, name: 'Kalle Karlsson', role: 'cashier', active: true };
const KIM: StaffMember = { id: 3, name: 'Kim Kiosk', role: 'kiosk', active: true };
const OLLE: StaffMember = { id: 4, name: 'Olle Gammal', role: 'cashier', active: false };

const PINS: Record<number, string> = { 1: '1111', 2: '2222', 3: '3333', 4: '4444' };

const apiError = (code: string, message: string, message_sv: string) => ({ code, message, message_sv });
const NOT_LOGGED_IN = apiError('not_logged_in', 'Nobody is logged in.', 'Ingen är inloggad.');
const WRONG_PIN = apiError('wrong_pin', 'Wrong PIN.', 'Fel PIN-kod.');

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
  payments: [{ label: 'Kontant', amount: '80.00', tendered: '100.00', change: '20.00', reference: null }],
  control: null,
  cashier: 'Kalle Karlsson',
  kind: 'sale',
  copy: false,
  electronic: false,
  original_receipt_no: null,
};

/** Training off, paper receipts, the control unit working. */
const TILL_STATE: TillState = {
  training: false,
  electronic: false,
  shift: null,
  control_unit: { policy: 'continue', decided_by: null, decided_at: null, reason: null },
  control_unit_number: 'CU-SIM-0001',
  control_unit_outage: false,
  control_unit_simulated_failing: false,
  pending_return: null,
};

const PRINTED: Delivery = { printed: true, file: null, problem: null, problem_sv: null };
const fileDelivery = (path: string): Delivery => ({ printed: false, file: path, problem: null, problem_sv: null });

/** Receipt 42 as the return dialog sees it: one line partly returned, one weighed, one all back. */
const RETURN_PLAN: ReturnPlan = {
  receipt,
  lines: [
    { line: 1, name: 'Mjölk 1,5 %', sold_by: 'each', sold: '3', returned: '1', left: '2', net: '44.70', refund_left: '29.80' },
    { line: 2, name: 'Bananer', sold_by: 'weight', sold: '0.752', returned: '0', left: '0.752', net: '18.72', refund_left: '18.72' },
    { line: 3, name: 'Rågbröd', sold_by: 'each', sold: '1', returned: '1', left: '0', net: '32.50', refund_left: '0.00' },
  ],
  earlier: [40],
};

const RETURN_RECEIPT: Receipt = {
  ...receipt,
  receipt_no: 43,
  lines: [
    { name: 'Mjölk 1,5 %', detail: '', amount: '-14.90' },
    { name: 'Bananer', detail: '0,452 kg à 24,90/kg', amount: '-11.25' },
  ],
  total: '-26.15',
  rounding: '0.00',
  vat: [{ rate_percent: '12', gross: '-26.15', vat: '-2.80', net: '-23.35' }],
  vat_total: '-2.80',
  payments: [{ label: 'Kontant', amount: '-26.15', tendered: '-26.15', change: '0.00', reference: null }],
  control: { status: 'registered', unit: 'CU-SIM-0001', code: 'RET-CODE-43' },
  kind: 'return',
  original_receipt_no: 42,
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
  staff: StaffMember[];
  /** Who is logged in (a staff id), or null. */
  sessionId: number | null;
  idleSeconds: number;
  audit: AuditEntry[];
  tenders: Tender[];
  saleDiscount: Discount | null;
  swish: SaleView['swish'];
  cardUnknown: boolean;
  /** What the card terminal does next. */
  cardNext: 'approve' | 'decline' | 'timeout';
  /** The payments taken already cover the sale (their registration failed): Swish settles it. */
  settled: boolean;
  /** set_quantity refuses with this. */
  quantityError: unknown;
  /** Swish polls still to answer "waiting" before the customer has paid. */
  swishWaits: number;
  scaleKg: string;
  parked: { id: number; lines: PricedLine[] }[];
  simulated: unknown[];
  /** Training mode, e-receipt and the control unit. */
  till: TillState;
  /** Receipts that have had their one copy. */
  copies: number[];
  /** return_items refuses with this. */
  returnError: unknown;
  /** Refunds the terminal refused, paid in cash instead. */
  toCash: CashInstead[];
  /** The opening hours now (hours_status). */
  hours: HoursStatus;
  /** A manager approved the next sale outside hours; the sale started so, and by whom. */
  outsideApproved: boolean;
  outsideHours: OutsideHours | null;
};

const CATALOG: CatalogItem[] = [
  { id: 11, code: MILK, plu: null, name: 'Mjölk 1,5 %', price: '14.90', sold_by: 'each', vat_category: 'food' },
  { id: 12, code: null, plu: '4011', name: 'Bananer', price: '24.90', sold_by: 'weight', vat_category: 'food' },
  { id: 13, code: null, plu: '4012', name: 'Banankaka', price: '39.00', sold_by: 'each', vat_category: 'food' },
];

/** Open as usual: the chip says so and the till shows no banner. */
const OPEN_HOURS: HoursStatus = {
  at: '2025-03-01T13:00:00Z',
  open: true,
  decided: { kind: 'weekly', weekday: 'saturday' },
  since: '2025-03-01T09:00:00Z',
  next_change: null,
  minutes_to_change: null,
  in_grace: false,
  refresh_at: null,
  summary_sv: 'Öppet – stänger inte den kommande veckan',
  summary_en: 'Open – no closing in the coming week',
  reason_sv: 'Ordinarie veckoschema (lördag)',
  reason_en: 'Regular weekly hours (Saturday)',
};

/** Closed now by a manager, until further notice. */
const CLOSED_HOURS: HoursStatus = {
  ...OPEN_HOURS,
  open: false,
  decided: { kind: 'override', id: 3, open: false, reason: 'IT-incident' },
  since: '2025-03-01T12:55:00Z',
  summary_sv: 'Stängt tills vidare',
  summary_en: 'Closed until further notice',
  reason_sv: 'Stängt nu av chef: IT-incident',
  reason_en: 'Closed now by a manager: IT-incident',
};

const STORE_CLOSED = {
  code: 'store_closed',
  message: 'The store is closed (Closed until further notice). Selling outside opening hours needs a manager’s approval',
  message_sv: 'Butiken är stängd (Stängt tills vidare). Försäljning utanför öppettiderna kräver en chefs godkännande',
};

/** The manager's page for `status`: a week of one rule, nothing changed. */
function hoursViewOf(status: HoursStatus): HoursView {
  const form = { week: Array.from({ length: 7 }, () => '08:00-21:00'), special_days: [], grace_minutes: 10 };
  return {
    status,
    week: [],
    configured: true,
    standing: {
      week: {
        monday: '08:00-21:00',
        tuesday: '08:00-21:00',
        wednesday: '08:00-21:00',
        thursday: '08:00-21:00',
        friday: '08:00-21:00',
        saturday: '08:00-21:00',
        sunday: '08:00-21:00',
      },
      special_days: [],
      grace_minutes: 10,
    },
    form,
    changes: [],
    notice: { sv: '', en: '' },
    feed_http: { enabled: false, bind: '127.0.0.1:8787' },
    calendar: [],
    public_dir: '/tmp/storekeep/public',
    publish_problem: null,
    feed_listening: null,
  };
}

const NEEDS_APPROVAL = { code: 'needs_approval', message: 'A manager must approve.', message_sv: 'En chef måste godkänna.' };

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
    staff: [ANNA, KALLE, KIM, OLLE],
    // By default a cashier is logged in, so the till shows.
    sessionId: KALLE.id,
    idleSeconds: 300,
    audit: [],
    tenders: [],
    saleDiscount: null,
    swish: null,
    cardUnknown: false,
    cardNext: 'approve',
    settled: false,
    quantityError: null,
    swishWaits: 1,
    scaleKg: '0.750',
    parked: [],
    simulated: [],
    till: TILL_STATE,
    copies: [],
    returnError: null,
    toCash: [],
    hours: OPEN_HOURS,
    outsideApproved: false,
    outsideHours: null,
  };
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (command: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    const session = () => {
      const staff = backend.staff.find((s) => s.id === backend.sessionId);
      return staff ? { staff, idle_logout_seconds: backend.idleSeconds } : null;
    };
    const view = (): SaleView => ({
      cart: { ...cartOf(backend.lines, backend.tenders, backend.saleDiscount), outside_hours: backend.outsideHours },
      swish: backend.swish,
      card_unknown: backend.cardUnknown,
      parked: backend.parked.length,
    });
    /** Completes the sale when the payments cover it. */
    const take = (tender: Tender) => {
      backend.tenders = [...backend.tenders, tender];
      if (ore(view().cart.remaining) > 0) return { status: 'open', sale: view() };
      backend.lines = [];
      backend.tenders = [];
      backend.saleDiscount = null;
      return { status: 'paid', receipt: { ...receipt, payments: [{ label: 'Kort', amount: '14.90', tendered: '14.90', change: '0.00', reference: 'AUTH-1' }] } };
    };
    const needsManager = (approval: unknown) => {
      if (session()!.staff.role === 'manager') return;
      const a = approval as Approval | null;
      if (!a) throw NEEDS_APPROVAL;
      if (PINS[a.manager_id] !== a.pin) throw WRONG_PIN;
    };
    const tender = (method: Tender['method'], amount: string, reference: string | null): Tender => ({
      method,
      amount,
      tendered: amount,
      change: '0.00',
      reference,
      offline: false,
    });
    const amountOf = (value: unknown) => (typeof value === 'string' ? kr(ore(value.replace(',', '.'))) : view().cart.remaining);
    const open = ['store_status', 'login', 'logout', 'create_first_manager'];
    if (!open.includes(command) && !session()) throw NOT_LOGGED_IN;
    switch (command) {
      case 'store_status':
        return {
          ...backend.status,
          staff: backend.staff.filter((s) => s.active),
          needs_first_manager: backend.status.identity !== null && backend.staff.length === 0,
          session: session(),
        };
      case 'login': {
        const staff = backend.staff.find((s) => s.id === a.staffId);
        if (!staff || PINS[staff.id] !== a.pin) throw WRONG_PIN;
        backend.sessionId = staff.id;
        return session();
      }
      case 'logout':
        backend.sessionId = null;
        return null;
      case 'create_first_manager': {
        const staff: StaffMember = { id: 10, name: String(a.name), role: 'manager', active: true };
        backend.staff = [staff];
        PINS[10] = String(a.pin);
        backend.sessionId = 10;
        return session();
      }
      case 'void_line': {
        const approval = a.approval as Approval | null;
        if (session()!.staff.role !== 'manager') {
          if (!approval) throw apiError('needs_approval', 'A manager must approve.', 'En chef måste godkänna.');
          if (PINS[approval.manager_id] !== approval.pin) throw WRONG_PIN;
        }
        backend.lines = backend.lines.filter((_, i) => i !== a.index);
        return view();
      }
      case 'search_catalog': {
        const query = String(a.query).toLowerCase();
        return CATALOG.filter((item) => item.plu?.startsWith(query) || item.name.toLowerCase().includes(query));
      }
      case 'add_item': {
        const item = CATALOG.find((i) => i.id === a.productId)!;
        const weighed = item.sold_by === 'weight';
        backend.lines = [
          ...backend.lines,
          {
            ...products[MILK]!,
            product_id: item.id,
            code: item.plu ?? item.code ?? '',
            name: item.name,
            sold_by: item.sold_by,
            quantity: weighed ? String(a.weight).replace(',', '.') : String(a.quantity ?? '1'),
            unit_price: item.price,
          },
        ];
        return view();
      }
      case 'weigh': {
        const item = CATALOG.find((i) => i.id === a.productId)!;
        backend.lines = [...backend.lines, { ...products[MILK]!, product_id: item.id, name: item.name, sold_by: 'weight', quantity: backend.scaleKg }];
        return view();
      }
      case 'set_quantity':
        if (backend.quantityError) throw backend.quantityError;
        backend.lines = backend.lines.map((l, i) => (i === a.index ? { ...l, quantity: String(a.value) } : l));
        return view();
      case 'set_line_discount': {
        const discount = a.discount as Discount | null;
        if (discount && Number(discount.value) > 10) needsManager(a.approval);
        backend.lines = backend.lines.map((l, i) =>
          i === a.index ? { ...l, discount, discount_amount: discount ? '1.49' : '0.00' } : l,
        );
        return view();
      }
      case 'set_sale_discount':
        backend.saleDiscount = a.discount as Discount | null;
        return view();
      case 'park_sale':
        backend.parked = [...backend.parked, { id: backend.parked.length + 1, lines: backend.lines }];
        backend.lines = [];
        return view();
      case 'parked_sales':
        return backend.parked.map((p) => ({ id: p.id, parked_at: '14:05', parked_by: 'Kalle Karlsson', total: cartOf(p.lines).total, lines: p.lines.length }));
      case 'resume_sale': {
        const parked = backend.parked.find((p) => p.id === a.parkedId)!;
        backend.parked = backend.parked.filter((p) => p !== parked);
        backend.lines = parked.lines;
        return view();
      }
      case 'abandon_sale':
        needsManager(a.approval);
        backend.lines = [];
        return view();
      case 'open_drawer':
        needsManager(a.approval);
        return null;
      case 'pay_card':
        if (backend.cardNext === 'decline') throw apiError('card_declined', 'The card was declined.', 'Kortet nekades.');
        if (backend.cardNext === 'timeout') {
          backend.cardUnknown = true;
          throw apiError('payment_unknown', 'No answer from the terminal.', 'Inget svar från terminalen.');
        }
        backend.cardUnknown = false;
        return take(tender('card', amountOf(a.amount), 'AUTH-1'));
      case 'clear_unknown_card':
        if (!String(a.reason ?? '').trim()) throw apiError('invalid_input', 'A reason is needed.', 'En anledning behövs.');
        if (!backend.cardUnknown) throw apiError('invalid_input', 'No card payment is unknown.', 'Ingen kortbetalning är okänd.');
        needsManager(a.approval);
        backend.cardUnknown = false;
        return view();
      case 'swish_start':
        if (backend.settled) {
          backend.settled = false;
          backend.lines = [];
          backend.tenders = [];
          return { status: 'paid', receipt };
        }
        backend.swish = { amount: amountOf(a.amount), qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' };
        return { status: 'open', sale: view() };
      case 'swish_poll': {
        if (!backend.swish) throw apiError('invalid_input', 'No Swish payment is waiting.', 'Ingen Swish-betalning väntar.');
        if (backend.swishWaits > 0) {
          backend.swishWaits -= 1;
          return { status: 'open', sale: view() };
        }
        const amount = backend.swish.amount;
        backend.swish = null;
        return take(tender('swish', amount, 'SW-1'));
      }
      case 'swish_cancel':
        backend.swish = null;
        return { status: 'open', sale: view() };
      case 'pay_voucher':
        if (a.code !== 'GIFT-1') throw apiError('voucher_invalid', 'Unknown voucher.', 'Okänt presentkort.');
        return take(tender('voucher', amountOf(a.amount), 'GIFT-1'));
      case 'simulate_card':
      case 'simulate_swish':
      case 'simulate_scale':
        backend.simulated.push([command, a]);
        return null;
      case 'list_staff':
        return backend.staff;
      case 'create_staff': {
        const staff: StaffMember = { id: 20 + backend.staff.length, name: String(a.name), role: a.role as StaffMember['role'], active: true };
        backend.staff = [...backend.staff, staff];
        return staff;
      }
      case 'disable_staff': {
        backend.staff = backend.staff.map((s) => (s.id === a.staffId ? { ...s, active: false } : s));
        return backend.staff.find((s) => s.id === a.staffId);
      }
      case 'audit_list':
        return backend.audit;
      case 'current_cart':
        return view();
      case 'hours_status':
        return backend.hours;
      case 'hours_view':
        return hoursViewOf(backend.hours);
      case 'approve_outside_hours': {
        const given = a.approval as Approval | null;
        if (!given || PINS[given.manager_id] !== given.pin) throw WRONG_PIN;
        backend.outsideApproved = true;
        return view();
      }
      case 'scan': {
        // A cashier's first scan while the store is closed needs a manager's approval.
        const closed = !backend.hours.open && !backend.hours.in_grace && backend.lines.length === 0;
        if (closed && session()!.staff.role === 'cashier') {
          if (!backend.outsideApproved) throw STORE_CLOSED;
          backend.outsideHours = {
            at: '2025-03-01T21:30:00Z',
            state: backend.hours.summary_sv,
            decided: backend.hours.decided,
            approved_by: { id: ANNA.id, name: ANNA.name },
          };
          backend.outsideApproved = false;
        }
        backend.running += 1;
        backend.maxRunning = Math.max(backend.maxRunning, backend.running);
        try {
          if (backend.scanDelayMs) await sleep(backend.scanDelayMs);
          const code = String(a.code);
          if (code in backend.scanErrors) throw backend.scanErrors[code];
          const product = products[code] ?? { ...products[MILK]!, code, name: `Vara ${code}` };
          backend.lines = [...backend.lines, product];
          return view();
        } finally {
          backend.running -= 1;
        }
      }
      case 'pay_cash': {
        if (backend.payError) throw backend.payError;
        if (a.partial) return take({ ...tender('cash', kr(ore(String(a.tendered).replace(',', '.'))), null) });
        backend.lines = [];
        backend.tenders = [];
        // The e-receipt choice is the sale's: the next one starts on paper.
        const electronic = backend.till.electronic;
        backend.till = { ...backend.till, electronic: false };
        return electronic
          ? { status: 'paid', receipt: { ...receipt, electronic: true }, delivery: fileDelivery('/tmp/kvitton/kvitto-KASSA-1-000042.pdf') }
          : { status: 'paid', receipt, delivery: PRINTED };
      }
      case 'till_state':
        return backend.till;
      case 'set_electronic_receipt':
        backend.till = { ...backend.till, electronic: Boolean(a.on) };
        return backend.till;
      case 'simulate_control_unit':
        backend.till = { ...backend.till, control_unit_simulated_failing: Boolean(a.failing) };
        return backend.till;
      case 'copy_receipt': {
        const no = Number(a.receiptNo);
        if (backend.copies.includes(no)) {
          throw apiError('already_done', `Receipt ${no} already has its copy`, `Kvitto ${no} har redan fått sin kopia`);
        }
        backend.copies.push(no);
        const copy: Receipt = { ...receipt, receipt_no: no, copy: true, control: { status: 'registered', unit: 'CU-SIM-0001', code: 'COPY-CODE' } };
        return [copy, a.output === 'file' ? fileDelivery(`/tmp/kvitton/kopia-KASSA-1-0000${no}.pdf`) : PRINTED];
      }
      case 'pro_forma':
        if (backend.lines.length === 0) throw apiError('empty_sale', 'The sale is empty.', 'Köpet är tomt.');
        return [{ ...receipt, receipt_no: 7, kind: 'pro_forma', payments: [], rounding: '0.00' }, PRINTED];
      case 'return_plan':
        if (a.receiptNo !== 42) throw apiError('receipt_not_found', `No receipt ${String(a.receiptNo)}`, `Kvitto ${String(a.receiptNo)} finns inte`);
        return RETURN_PLAN;
      case 'return_items':
        needsManager(a.approval);
        if (backend.returnError) throw backend.returnError;
        return { receipt: RETURN_RECEIPT, delivery: PRINTED, to_cash_instead: backend.toCash };
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
  await waitFor(() =>
    expect(
      query('scan-input') ?? query('not-setup') ?? query('lock-screen') ?? query('first-manager') ?? query('kiosk-notice'),
    ).toBeTruthy(),
  );
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
    expect(calls('pay_cash')).toEqual([{ tendered: '100', partial: false }]);
    expect(text('receipt-no')).toBe('42');
    expect(text('change')).toBe('20,00');
    expect(text('change-due')).toBe(nb('20,00 kr'));
    const paper = get('receipt').textContent ?? '';
    for (const label of ['Org.nr', 'Kvitto nr', 'Kassa', 'TOTALT', 'Öresavrundning', 'Kontant', 'Växel', 'Moms %', 'Netto', 'Brutto', 'Summa moms']) {
      expect(paper).toContain(label);
    }
    expect(text('control-unit')).toBe('Ingen kontrollenhet ansluten');
    expect(text('receipt-date')).toBe('2025-03-01 14:05:09');
    expect(squash(get('receipt').textContent)).toContain('Kassör Kalle Karlsson');
    expect(text('receipt-cashier')).toBe('Kalle Karlsson');

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
    // The UI's own wording is Swedish too; the technical detail is kept.
    expect(text('error-message')).toBe('Internt fel i kassan: database is locked');
    get('lang-en').click();
    await waitFor(() => expect(text('error-message')).toBe('database is locked'));
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
    expect(calls('pay_cash')).toEqual([{ tendered: '10,50', partial: false }]);
    expect(get('payment-panel').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe('Mottaget belopp räcker inte (att betala 15,00 kr).');
    expect(query('receipt')).toBeNull();

    backend.payError = null;
    (all('quick-tender')[0] as HTMLButtonElement).click();
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([
      { tendered: '10,50', partial: false },
      { tendered: '15', partial: false },
    ]);
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
    expect(get('pay-cash').textContent).toContain('Pay');
    expect(get('lang-en').getAttribute('aria-pressed')).toBe('true');
    expect(localStorage.getItem('storekeep.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('explains how to set up a store when there is none', async () => {
    backend.status = {
      identity: null,
      demo: false,
      demo_items: [],
      staff: [],
      needs_first_manager: false,
      demo_staff: [],
      session: null,
      simulated_devices: false,
    };
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

// ------------------------------------------- scanner bursts, keys and focus

/** Time stamps for keys (ms): each test says how fast its keys come. */
let keyClock = 1_000_000;
/** A keyboard-wedge scanner, a person, and a WebDriver test typing into a field. */
const SCANNER_MS = 3;
const HUMAN_MS = 120;
const DRIVER_MS = 1;

/**
 * One key as the browser delivers it: a keydown stamped `gapMs` after the key before and, unless
 * a handler prevented it, the character typed into the text field it was sent to.
 */
function keyAt(key: string, target: EventTarget, gapMs: number): KeyboardEvent {
  keyClock += gapMs;
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  Object.defineProperty(event, 'timeStamp', { value: keyClock });
  target.dispatchEvent(event);
  if (!event.defaultPrevented && key.length === 1 && target instanceof HTMLInputElement && !target.readOnly) {
    const start = target.selectionStart ?? target.value.length;
    target.setRangeText(key, start, target.selectionEnd ?? start, 'end');
    target.dispatchEvent(new Event('input', { bubbles: true }));
  }
  flushSync();
  return event;
}

/**
 * Types `text` (`\n` is Enter) into `target` after a pause, `gapMs` between keys; returns the
 * last keydown.
 */
function keys(target: EventTarget, text: string, gapMs: number): KeyboardEvent {
  keyClock += 500;
  let last: KeyboardEvent | null = null;
  for (const char of text) last = keyAt(char === '\n' ? 'Enter' : char, target, gapMs);
  return last!;
}

describe('scanner bursts, keys and focus', () => {
  const REFUSED_PAYING = 'Betalning pågår – skanna nästa vara efter köpet';
  const REFUSED_DIALOG = 'Stäng rutan först – skanningen togs inte emot';

  async function scanned(count: number, ...codes: string[]): Promise<void> {
    for (const code of codes) wedgeScan(code);
    await waitFor(() => expect(all('cart-line')).toHaveLength(count));
  }

  it('refuses a scan while paying: nothing typed in, nothing paid, and says why', async () => {
    await render();
    await scanned(1, MILK);
    press('F12');
    flushSync();
    const tendered = get('tendered-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(tendered));

    keys(tendered, '5', HUMAN_MS);
    const enter = keys(tendered, `${BREAD}\n`, SCANNER_MS);
    expect(enter.defaultPrevented).toBe(true);
    expect(tendered.value).toBe('5');
    expect(calls('pay_cash')).toEqual([]);
    expect(calls('scan')).toHaveLength(1);
    expect(query('payment-panel')).not.toBeNull();
    expect(get('payment-panel').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe(REFUSED_PAYING);
    expect(document.activeElement).toBe(tendered);
    get('lang-en').click();
    await waitFor(() => expect(text('error-message')).toBe('Payment in progress – scan the next item after this sale'));
    get('lang-sv').click();

    // Typing, even as fast as a test driver types, still pays: "50" is no barcode.
    keys(tendered, '0\n', DRIVER_MS);
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([{ tendered: '50', partial: false }]);
  });

  it('takes a scanned gift voucher in the voucher field', async () => {
    await render();
    await scanned(1, MILK);
    press('F12');
    flushSync();
    const code = get('voucher-code-input') as HTMLInputElement;
    code.focus();
    keys(code, '12345678\n', SCANNER_MS);
    await waitFor(() => expect(calls('pay_voucher')).toEqual([{ code: '12345678', amount: null }]));
    await waitFor(() => expect(text('error-message')).toBe('Okänt presentkort.'));
  });

  it('refuses a scan in any dialog: never typed in, never confirming', async () => {
    await render();
    await scanned(1, MILK);

    // Giving up the sale: the reason typed so far stays, Enter gives up nothing.
    press('F10');
    flushSync();
    const reason = get('abandon-reason') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(reason));
    keys(reason, 'Kund', HUMAN_MS);
    expect(keys(reason, `${MILK}\n`, SCANNER_MS).defaultPrevented).toBe(true);
    expect(reason.value).toBe('Kund');
    expect(calls('abandon_sale')).toEqual([]);
    expect(get('abandon-dialog').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe(REFUSED_DIALOG);

    // The manager's PIN: the digits typed stay, the scan approves nothing.
    keys(reason, ' gick\n', HUMAN_MS);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(calls('abandon_sale')).toEqual([{ reason: 'Kund gick', approval: null }]);
    const pin = get('approval-pin') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(pin));
    keys(pin, '11', HUMAN_MS);
    keys(pin, '73108650\n', SCANNER_MS);
    expect(pin.value).toBe('11');
    expect(calls('abandon_sale')).toHaveLength(1);
    expect(get('approval-dialog').textContent).toContain(REFUSED_DIALOG);
    keys(pin, '11\n', HUMAN_MS);
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    expect(calls('abandon_sale')).toEqual([
      { reason: 'Kund gick', approval: null },
      { reason: 'Kund gick', approval: { manager_id: 1, pin: '1111' } },
    ]);

    // The parked list: Enter on the focused sale would resume it.
    await scanned(1, MILK);
    press('F7');
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    press('F8');
    await waitFor(() => expect(all('parked-sale')).toHaveLength(1));
    const row = all('parked-sale')[0]!;
    await waitFor(() => expect(document.activeElement).toBe(row));
    expect(keys(row, `${BREAD}\n`, SCANNER_MS).defaultPrevented).toBe(true);
    flushSync();
    expect(calls('resume_sale')).toEqual([]);
    expect(get('parked-dialog').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe(REFUSED_DIALOG);
    press('Escape', row);
    flushSync();
    expect(query('parked-dialog')).toBeNull();
    expect(query('error')).toBeNull(); // the message went with its dialog

    // The quantity: the line's quantity stays.
    await scanned(1, MILK);
    press('F3');
    flushSync();
    const quantity = get('quantity-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(quantity));
    keys(quantity, `${MILK}\n`, SCANNER_MS);
    expect(quantity.value).toBe('1');
    expect(calls('set_quantity')).toEqual([]);
    expect(text('error-message')).toBe(REFUSED_DIALOG);
    press('Escape', quantity);
    flushSync();

    // The item search: nothing is searched for or added.
    press('F2');
    flushSync();
    const search = get('search-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(search));
    keys(search, `${MILK}\n`, SCANNER_MS);
    expect(search.value).toBe('');
    expect(calls('add_item')).toEqual([]);
    expect(calls('scan')).toHaveLength(3); // the three on the sale screen only
    press('Escape', search);
    flushSync();
    expect(all('cart-line')).toHaveLength(1);
  });

  it('ignores Delete, F3 and F4 while scans are on their way, and voids one line at a time', async () => {
    backend.sessionId = ANNA.id; // a manager voids without approval
    await render();
    await scanned(2, MILK, BREAD);
    backend.scanDelayMs = 20;
    wedgeScan(MILK); // still on its way when the keys come
    for (const key of ['Delete', 'F3', 'F4']) press(key);
    flushSync();
    expect(query('quantity-dialog')).toBeNull();
    expect(query('discount-dialog')).toBeNull();
    await waitFor(() => expect(all('cart-line')).toHaveLength(3));
    expect(calls('void_line')).toEqual([]);

    // Two clicks before the first void is answered void one line.
    const first = all('void-line')[0]!;
    first.click();
    first.click();
    await waitFor(() => expect(all('cart-line')).toHaveLength(2));
    expect(calls('void_line')).toEqual([{ index: 0, approval: null }]);
  });

  it('keeps a code whole when its keys wait behind a busy screen: their own times decide', async () => {
    await render();
    // The scanner sends the code 1 ms a key; the screen is busy for 150 ms halfway through, so
    // the rest of the keys are handled late, after the buffer's timer has fired.
    keys(window, MILK.slice(0, 5), DRIVER_MS);
    await sleep(150);
    flushSync();
    for (const char of MILK.slice(5)) keyAt(char, window, DRIVER_MS);
    keyAt('Enter', window, DRIVER_MS);
    await waitFor(() => expect(calls('scan')).toEqual([{ code: MILK }]));
  });

  it('forgets a half-received code after a second without a key, and on F12', async () => {
    await render();
    press('7');
    press('3');
    flushSync();
    expect(text('scan-buffer')).toBe('73');
    await sleep(1050);
    flushSync();
    expect(query('scan-buffer')).toBeNull();
    press('Enter');
    flushSync();
    expect(calls('scan')).toEqual([]);

    press('7');
    flushSync();
    expect(text('scan-buffer')).toBe('7');
    press('F12');
    flushSync();
    expect(query('scan-buffer')).toBeNull();
  });

  it('gives the keyboard back to the parked list after a failed resume; Escape closes it from anywhere', async () => {
    await render();
    await scanned(1, MILK);
    press('F7');
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    const backendImpl = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command, args) => {
      if (command === 'resume_sale') throw apiError('storage', 'Disk trouble.', 'Diskfel.');
      return backendImpl(command, args);
    });

    press('F8');
    await waitFor(() => expect(all('parked-sale')).toHaveLength(1));
    expect(text('parked-keys')).toContain('↑/↓ välj köp');
    expect(text('parked-keys')).toContain('Enter återuppta');
    const row = all('parked-sale')[0] as HTMLButtonElement;
    await waitFor(() => expect(document.activeElement).toBe(row));
    row.click();
    flushSync();
    expect(row.disabled).toBe(true);
    row.blur(); // what a browser does with the focus of a button that goes disabled
    await waitFor(() => expect(text('error-message')).toBe('Diskfel.'));
    await waitFor(() => expect(document.activeElement).toBe(all('parked-sale')[0]));

    // With the focus outside the dialog, Escape still closes it.
    row.blur();
    press('Escape', document.body);
    flushSync();
    expect(query('parked-dialog')).toBeNull();
  });

  it('gives the focus back when a dialog or the payment panel closes', async () => {
    await render();
    await scanned(1, MILK);
    const scan = get('scan-input') as HTMLInputElement;
    scan.focus();
    press('F2', scan);
    flushSync();
    await waitFor(() => expect(document.activeElement).toBe(get('search-input')));
    press('Escape', get('search-input'));
    await waitFor(() => expect(document.activeElement).toBe(scan));
    expect(query('search-dialog')).toBeNull();

    press('F12', scan);
    flushSync();
    await waitFor(() => expect(document.activeElement).toBe(get('tendered-input')));
    press('Escape', get('tendered-input'));
    await waitFor(() => expect(document.activeElement).toBe(scan));
    expect(query('payment-panel')).toBeNull();
  });

  it('keeps the payment panel for a card payment of unknown outcome, also after a cashier switch', async () => {
    await render();
    await scanned(1, MILK);
    press('F12');
    flushSync();
    backend.cardNext = 'timeout';
    get('pay-card').click();
    await waitFor(() => expect(query('card-unknown')).not.toBeNull());
    expect(get('cancel-payment').hasAttribute('disabled')).toBe(true);
    press('Escape', get('tendered-input'));
    flushSync();
    expect(query('payment-panel')).not.toBeNull();

    press('F9');
    await waitFor(() => expect(query('lock-screen')).not.toBeNull());
    await logIn(KALLE.id, '2222');
    await waitFor(() => expect(query('payment-panel')).not.toBeNull());
    expect(query('card-unknown')).not.toBeNull();

    // F5 asks for the reason to clear it.
    press('F5', get('tendered-input'));
    flushSync();
    expect(query('clear-card-dialog')).not.toBeNull();
  });

  it('removes a discount with F6', async () => {
    await render();
    await scanned(1, MILK);
    press('F5');
    flushSync();
    typeInto(get('discount-value') as HTMLInputElement, '10');
    typeInto(get('discount-reason') as HTMLInputElement, 'Stamkund');
    press('Enter', get('discount-reason'));
    await waitFor(() => expect(query('sale-discount')).not.toBeNull());

    press('F5');
    flushSync();
    const remove = get('discount-remove');
    expect(squash(remove.textContent)).toBe('Ta bort rabatten F6');
    expect(remove.getAttribute('aria-keyshortcuts')).toBe('F6');
    press('F6', get('discount-value'));
    await waitFor(() => expect(query('sale-discount')).toBeNull());
    expect(calls('set_sale_discount').at(-1)).toEqual({ discount: null, approval: null });
  });

  it('leaves an earlier sale-screen error behind when the payment opens', async () => {
    await render();
    await scanned(1, MILK);
    backend.scanErrors[BAD] = apiError('bad_check_digit', 'Wrong check digit.', 'Fel kontrollsiffra.');
    wedgeScan(BAD);
    await waitFor(() => expect(query('error')).not.toBeNull());
    press('F12');
    flushSync();
    expect(query('payment-panel')).not.toBeNull();
    expect(query('error')).toBeNull();
    press('Escape', get('tendered-input'));
    flushSync();
    expect(query('error')).toBeNull();
  });
});

// ------------------------------------------------- staff, sessions, audit

/** The text of each cell of a table row. */
function cells(row: HTMLElement): string[] {
  return [...row.querySelectorAll('td')].map((cell) => squash(cell.textContent));
}

/** Picks a name on the lock screen and logs in with the PIN and Enter. */
async function logIn(staffId: number, pin: string): Promise<void> {
  await waitFor(() => expect(query('lock-screen')).not.toBeNull());
  const button = all('login-staff').find((b) => b.dataset.staffId === String(staffId));
  if (!button) throw new Error(`no login button for staff ${staffId}`);
  button.click();
  flushSync();
  const input = get('pin-input') as HTMLInputElement;
  await waitFor(() => expect(document.activeElement).toBe(input));
  typeInto(input, pin);
  press('Enter', input);
}

describe('till steps', () => {
  function change(element: HTMLElement, value: string): void {
    (element as HTMLInputElement | HTMLSelectElement).value = value;
    element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    flushSync();
  }

  async function scanned(...codes: string[]): Promise<void> {
    for (const code of codes) wedgeScan(code);
    await waitFor(() => expect(all('cart-line')).toHaveLength(codes.length));
  }

  function selectedIndex(): string | undefined {
    return all('cart-line').find((row) => row.getAttribute('aria-selected') === 'true')?.dataset.index;
  }

  it('finds items with F2: pieces with Enter, weighed items by typed weight or the scale', async () => {
    await render();
    const event = press('F2');
    expect(event.defaultPrevented).toBe(true);
    flushSync();
    const input = get('search-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(input));

    typeInto(input, 'ban');
    await waitFor(() => expect(all('search-result')).toHaveLength(2));
    expect(all('search-result').map((r) => r.dataset.itemId)).toEqual(['12', '13']);
    expect(all('search-result')[0]!.getAttribute('aria-selected')).toBe('true');
    press('ArrowDown', input);
    flushSync();
    expect(all('search-result')[1]!.getAttribute('aria-selected')).toBe('true');
    press('Enter', input);
    await waitFor(() => expect(query('search-input')).toBeNull());
    expect(calls('add_item')).toEqual([{ productId: 13, quantity: null, weight: null }]);
    expect(all('cart-line')[0]!.textContent).toContain('Banankaka');

    // A weighed item asks for the weight.
    press('F2');
    flushSync();
    typeInto(get('search-input') as HTMLInputElement, '4011');
    await waitFor(() => expect(all('search-result')).toHaveLength(1));
    press('Enter', get('search-input'));
    flushSync();
    const weight = get('weight-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(weight));
    expect(get('weigh-button').textContent).toContain('Väg');
    expect(get('weigh-button').textContent).toContain('F4');
    typeInto(weight, '0,452');
    press('Enter', weight);
    await waitFor(() => expect(query('search-dialog')).toBeNull());
    expect(calls('add_item')[1]).toEqual({ productId: 12, quantity: null, weight: '0,452' });

    // Or reads the scale (F4 in the weight step).
    press('F2');
    flushSync();
    typeInto(get('search-input') as HTMLInputElement, 'bananer');
    await waitFor(() => expect(all('search-result')).toHaveLength(1));
    all('search-result')[0]!.querySelector('button')!.click();
    flushSync();
    press('F4', get('weight-input'));
    await waitFor(() => expect(query('search-dialog')).toBeNull());
    expect(calls('weigh')).toEqual([{ productId: 12 }]);
    expect(all('cart-line')).toHaveLength(3);

    // Escape closes without adding.
    press('F2');
    flushSync();
    press('Escape', get('search-input'));
    flushSync();
    expect(query('search-dialog')).toBeNull();
    expect(all('cart-line')).toHaveLength(3);
  });

  it('adds the best match for what was typed when Enter comes before the results', async () => {
    await render();
    press('F2');
    flushSync();
    const input = get('search-input') as HTMLInputElement;
    typeInto(input, '40');
    await waitFor(() => expect(all('search-result')).toHaveLength(2));
    typeInto(input, '4012');
    press('Enter', input); // the results for "40" are still shown: not those
    await waitFor(() => expect(query('search-dialog')).toBeNull());
    expect(calls('add_item')).toEqual([{ productId: 13, quantity: null, weight: null }]);
  });

  it('selects lines with PageUp/PageDown, changes the quantity with F3 and voids the selected line', async () => {
    await render();
    await scanned(MILK, BREAD);
    expect(selectedIndex()).toBe('1');
    press('PageUp');
    flushSync();
    expect(selectedIndex()).toBe('0');

    press('F3');
    flushSync();
    const quantity = get('quantity-input') as HTMLInputElement;
    expect(quantity.value).toBe('1');
    typeInto(quantity, '3');
    press('Enter', quantity);
    await waitFor(() => expect(query('quantity-dialog')).toBeNull());
    expect(calls('set_quantity')).toEqual([{ index: 0, value: '3' }]);

    press('PageDown');
    press('PageUp');
    flushSync();
    expect(selectedIndex()).toBe('0');
    backend.sessionId = ANNA.id; // a manager voids without approval
    press('Delete');
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(calls('void_line')).toEqual([{ index: 0, approval: null }]);
    expect(all('cart-line')[0]!.textContent).toContain('Rågbröd');
  });

  it('keeps the quantity dialog open with the backend’s reason when a quantity is refused', async () => {
    locale.set('en');
    await render();
    await scanned(MILK);
    backend.quantityError = apiError(
      'invalid_input',
      'The discount on line 1 would then be more than the 10 % a cashier may give alone.',
      'Rabatten på rad 1 blir då mer än de 10 % en kassör får ge själv.',
    );
    press('F3');
    flushSync();
    const quantity = get('quantity-input') as HTMLInputElement;
    typeInto(quantity, '0,5');
    press('Enter', quantity);
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('quantity-dialog').contains(get('error'))).toBe(true);
    expect(get('error').dataset.code).toBe('invalid_input');
    expect(text('error-message')).toBe('The discount on line 1 would then be more than the 10 % a cashier may give alone.');
    expect(calls('set_quantity')).toEqual([{ index: 0, value: '0,5' }]);
  });

  it('gives a line discount with F4; above the limit a manager approves it', async () => {
    await render();
    await scanned(MILK, BREAD);
    press('PageUp');
    press('F4');
    flushSync();
    expect(text('discount-dialog')).toContain('Rabatt på Mjölk 1,5 %');
    change(get('discount-kind'), 'percent');
    typeInto(get('discount-value') as HTMLInputElement, '20');
    typeInto(get('discount-reason') as HTMLInputElement, 'Skadad förpackning');
    press('Enter', get('discount-reason'));

    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(query('discount-dialog')).toBeNull();
    expect(text('approval-dialog')).toContain('En chef måste godkänna rabatten på Mjölk 1,5 %.');
    typeInto(get('approval-pin') as HTMLInputElement, '1111');
    press('Enter', get('approval-pin'));
    await waitFor(() => expect(query('approval-dialog')).toBeNull());

    const discount = { kind: 'percent', value: '20', reason: 'Skadad förpackning' };
    expect(calls('set_line_discount')).toEqual([
      { index: 0, discount, approval: null },
      { index: 0, discount, approval: { manager_id: 1, pin: '1111' } },
    ]);
    await waitFor(() => expect(query('line-discount')).not.toBeNull());
    expect(text('line-discount')).toBe(`\u221220\u00a0% Skadad förpackning \u2212${nb('1,49 kr')}`);
    expect(text('discounts')).toContain('Rabatter på rader');

    // The dialog offers to remove it again.
    press('F4');
    flushSync();
    expect((get('discount-value') as HTMLInputElement).value).toBe('20');
    get('discount-remove').click();
    await waitFor(() => expect(query('line-discount')).toBeNull());
    expect(calls('set_line_discount').at(-1)).toEqual({ index: 0, discount: null, approval: null });
  });

  it('gives a discount on the whole sale with F5', async () => {
    await render();
    await scanned(MILK);
    press('F5');
    flushSync();
    expect(text('discount-dialog')).toContain('Rabatt på hela köpet');
    change(get('discount-kind'), 'amount');
    typeInto(get('discount-value') as HTMLInputElement, '10');
    press('Enter', get('discount-value'));
    flushSync();
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(calls('set_sale_discount')).toEqual([]);
    typeInto(get('discount-reason') as HTMLInputElement, 'Stamkund');
    press('Enter', get('discount-reason'));
    await waitFor(() => expect(query('discount-dialog')).toBeNull());
    expect(calls('set_sale_discount')).toEqual([
      { discount: { kind: 'amount', value: '10', reason: 'Stamkund' }, approval: null },
    ]);
    expect(text('sale-discount')).toContain('Rabatt på köpet');
    expect(text('sale-discount')).toContain(nb('\u221210,00 kr'));
  });

  it('parks the sale with F7 and resumes it from the F8 list', async () => {
    await render();
    await scanned(MILK);
    expect(get('park-button').textContent).toContain('F7');
    press('F7');
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    expect(calls('park_sale')).toHaveLength(1);
    expect(text('till-notice')).toContain('Köpet är parkerat');
    expect(text('parked-count')).toBe('1');

    press('F8');
    await waitFor(() => expect(all('parked-sale')).toHaveLength(1));
    const row = all('parked-sale')[0]!;
    await waitFor(() => expect(document.activeElement).toBe(row));
    expect(squash(row.textContent)).toContain('14:05');
    expect(squash(row.textContent)).toContain(nb('14,90 kr'));
    row.click();
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(calls('resume_sale')).toEqual([{ parkedId: 1 }]);
    expect(query('parked-dialog')).toBeNull();
    expect(query('parked-count')).toBeNull();
  });

  it('gives up the sale with F10 and opens the drawer with F6, each with a manager', async () => {
    await render();
    await scanned(MILK);
    press('F10');
    flushSync();
    const reason = get('abandon-reason') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(reason));
    typeInto(reason, 'Kunden gick');
    press('Enter', reason);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(text('approval-dialog')).toContain('En chef måste godkänna att köpet ges upp.');
    typeInto(get('approval-pin') as HTMLInputElement, '1111');
    press('Enter', get('approval-pin'));
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
    expect(calls('abandon_sale')).toEqual([
      { reason: 'Kunden gick', approval: null },
      { reason: 'Kunden gick', approval: { manager_id: 1, pin: '1111' } },
    ]);

    press('F6');
    flushSync();
    typeInto(get('drawer-reason') as HTMLInputElement, 'Växla pengar');
    press('Enter', get('drawer-reason'));
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(text('approval-dialog')).toContain('kassalådan');
    typeInto(get('approval-pin') as HTMLInputElement, '1111');
    get('approval-submit').click();
    await waitFor(() => expect(text('till-notice')).toBe('Kassalådan är öppnad.'));
    expect(calls('open_drawer')).toHaveLength(2);
  });

  it('splits the payment: card for part, then cash for the rest', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    expect(text('remaining')).toBe(nb('14,90 kr'));
    expect(text('amount-due')).toBe(nb('15,00 kr'));
    expect(get('pay-card').textContent).toContain('F1');
    typeInto(get('pay-amount-input') as HTMLInputElement, '10');
    press('F1', get('pay-amount-input'));
    await waitFor(() => expect(all('tender-line')).toHaveLength(1));
    expect(calls('pay_card')).toEqual([{ amount: '10' }]);
    expect(squash(all('tender-line')[0]!.textContent)).toBe(`Kort Ref. AUTH-1 ${nb('10,00 kr')}`);
    expect(text('remaining')).toBe(nb('4,90 kr'));
    expect(text('amount-due')).toBe(nb('5,00 kr'));

    // A payment is taken: the panel stays until the sale is paid.
    expect(get('cancel-payment').hasAttribute('disabled')).toBe(true);
    press('Escape', get('tendered-input'));
    flushSync();
    expect(query('payment-panel')).not.toBeNull();

    const tendered = get('tendered-input') as HTMLInputElement;
    typeInto(tendered, '5');
    press('Enter', tendered);
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_cash')).toEqual([{ tendered: '5', partial: false }]);
  });

  it('keeps the sale when the card is declined, and explains a card payment with unknown outcome', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    backend.cardNext = 'decline';
    get('pay-card').click();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('payment-panel').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe('Kortet nekades.');
    expect(all('tender-line')).toHaveLength(0);

    backend.cardNext = 'timeout';
    get('pay-card').click();
    await waitFor(() => expect(query('card-unknown')).not.toBeNull());
    expect(text('card-unknown')).toContain('kortet dras aldrig två gånger');

    backend.cardNext = 'approve';
    get('pay-card').click();
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_card')).toEqual([{ amount: null }, { amount: null }, { amount: null }]);
    expect(text('payment-label')).toBe('Kort');
    expect(text('payment-reference')).toBe('Ref. AUTH-1');
    expect(query('change')).toBeNull();
  });

  it('shows the Swish QR code and polls until the customer has paid', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await render();
      await scanned(MILK);
      press('F12');
      flushSync();
      press('F2', get('tendered-input'));
      await waitFor(() => expect(query('swish-qr')).not.toBeNull());
      expect(calls('swish_start')).toEqual([{ amount: null }]);
      const src = get('swish-qr').getAttribute('src') ?? '';
      expect(src.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
      expect(decodeURIComponent(src.slice(src.indexOf(',') + 1))).toContain('<rect/>');
      expect(text('swish-waiting')).toContain('Väntar på att kunden betalar med Swish');
      expect(text('swish-amount')).toBe(nb('14,90 kr'));
      expect(get('pay-card').hasAttribute('disabled')).toBe(true);

      await vi.advanceTimersByTimeAsync(1000);
      await waitFor(() => expect(calls('swish_poll')).toHaveLength(1));
      expect(query('receipt')).toBeNull();
      await vi.advanceTimersByTimeAsync(1000);
      await waitFor(() => expect(query('receipt')).not.toBeNull());
      expect(calls('swish_poll')).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(3000);
      expect(calls('swish_poll')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the receipt when Swish finds the sale already paid by earlier payments', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    backend.settled = true;
    press('F2', get('tendered-input'));
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('swish_start')).toEqual([{ amount: null }]);
    expect(query('payment-panel')).toBeNull();
    expect(query('swish-qr')).toBeNull();
    expect(query('error')).toBeNull();
    expect(calls('swish_poll')).toHaveLength(0);
  });

  it('clears a card payment of unknown outcome with a reason and a manager’s PIN', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    backend.cardNext = 'timeout';
    get('pay-card').click();
    await waitFor(() => expect(query('card-unknown')).not.toBeNull());
    const clear = get('clear-unknown-card');
    expect(get('card-unknown').contains(clear)).toBe(true);
    expect(squash(clear.textContent)).toBe('Stryk kortbetalningen (chef) F5');
    expect(clear.getAttribute('aria-keyshortcuts')).toBe('F5');

    // Escape leaves the reason dialog, not the payment panel.
    clear.click();
    flushSync();
    await waitFor(() => expect(document.activeElement).toBe(get('clear-card-reason')));
    press('Escape', get('clear-card-reason'));
    flushSync();
    expect(query('clear-card-dialog')).toBeNull();
    expect(query('payment-panel')).not.toBeNull();

    get('clear-unknown-card').click();
    flushSync();
    const reason = get('clear-card-reason') as HTMLInputElement;
    press('Enter', reason); // a reason is required
    flushSync();
    expect(text('error-message')).not.toBe('');
    expect(calls('clear_unknown_card')).toHaveLength(0);
    typeInto(reason, 'Terminalen visar nekad');
    press('Enter', reason);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(query('clear-card-dialog')).toBeNull();
    expect(text('approval-dialog')).toContain('En chef måste godkänna att den okända kortbetalningen stryks.');
    typeInto(get('approval-pin') as HTMLInputElement, '1111');
    press('Enter', get('approval-pin'));
    await waitFor(() => expect(query('card-unknown')).toBeNull());
    expect(query('approval-dialog')).toBeNull();
    expect(query('payment-panel')).not.toBeNull();
    expect(calls('clear_unknown_card')).toEqual([
      { reason: 'Terminalen visar nekad', approval: null },
      { reason: 'Terminalen visar nekad', approval: { manager_id: 1, pin: '1111' } },
    ]);
    // The panel has the keyboard again.
    await waitFor(() => expect(document.activeElement).toBe(get('tendered-input')));

    backend.cardNext = 'approve';
    get('pay-card').click();
    await waitFor(() => expect(query('receipt')).not.toBeNull());
  });

  it('lets a manager clear an unknown card payment without approval', async () => {
    backend.sessionId = ANNA.id;
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    backend.cardNext = 'timeout';
    get('pay-card').click();
    await waitFor(() => expect(query('clear-unknown-card')).not.toBeNull());
    get('clear-unknown-card').click();
    flushSync();
    typeInto(get('clear-card-reason') as HTMLInputElement, 'Terminalen visar nekad');
    get('clear-card-confirm').click();
    await waitFor(() => expect(query('card-unknown')).toBeNull());
    expect(query('approval-dialog')).toBeNull();
    expect(calls('clear_unknown_card')).toEqual([{ reason: 'Terminalen visar nekad', approval: null }]);
  });

  it('cancels a waiting Swish payment with Escape', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    get('pay-swish').click();
    await waitFor(() => expect(query('swish-cancel')).not.toBeNull());
    press('Escape', get('tendered-input'));
    await waitFor(() => expect(query('swish-qr')).toBeNull());
    expect(calls('swish_cancel')).toHaveLength(1);
    expect(query('payment-panel')).not.toBeNull();
    press('Escape', get('tendered-input'));
    flushSync();
    expect(query('payment-panel')).toBeNull();
  });

  it('pays with a gift voucher', async () => {
    await render();
    await scanned(MILK);
    press('F12');
    flushSync();
    const code = get('voucher-code-input') as HTMLInputElement;
    typeInto(code, 'NOPE');
    press('Enter', code);
    await waitFor(() => expect(text('error-message')).toBe('Okänt presentkort.'));
    typeInto(code, 'GIFT-1');
    press('F3', code);
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('pay_voucher')).toEqual([
      { code: 'NOPE', amount: null },
      { code: 'GIFT-1', amount: null },
    ]);
  });

  it('shows the simulator panel without taking the scanner’s keys', async () => {
    backend.status = { ...demoStatus, simulated_devices: true };
    await render();
    expect(text('simulator-panel')).toContain('Simulator – inga riktiga betalningar');
    const cardSelect = get('sim-card-select') as HTMLSelectElement;
    expect([...cardSelect.options].map((o) => o.value)).toEqual([
      'approve',
      'decline',
      'timeout',
      'timeout_after_charge',
      'approve_offline',
      'unreachable',
    ]);
    cardSelect.focus();
    change(cardSelect, 'decline');
    await waitFor(() => expect(calls('simulate_card')).toEqual([{ next: 'decline' }]));
    expect(document.activeElement).not.toBe(cardSelect);
    change(get('sim-swish-select'), 'error');
    await waitFor(() => expect(calls('simulate_swish')).toEqual([{ next: 'error' }]));

    typeInto(get('sim-scale-input') as HTMLInputElement, '1,250');
    get('sim-scale-set').click();
    await waitFor(() => expect(calls('simulate_scale')).toEqual([{ kg: '1,250', stable: true }]));

    // The keyboard-wedge scanner still works.
    await scanned(MILK);
  });

  it('lists every shortcut in the footer', async () => {
    await render();
    const footer = squash(container.querySelector('footer')?.textContent);
    for (const key of ['F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F12', 'Delete', 'PageUp', 'PageDown']) {
      expect(footer).toContain(key);
    }
  });
});

describe('lock screen and sessions', () => {
  it('logs in by keyboard: arrows through names, PIN, Enter', async () => {
    backend.sessionId = null;
    await render();
    expect(query('scan-input')).toBeNull();
    expect(query('session-name')).toBeNull();

    // Active staff only, as big buttons; the first has focus.
    const buttons = all('login-staff');
    expect(buttons.map((b) => b.dataset.staffId)).toEqual(['1', '2', '3']);
    expect(buttons[0]!.textContent).toContain('Anna Andersson');
    expect(buttons[0]!.textContent).toContain('Chef');
    await waitFor(() => expect(document.activeElement).toBe(buttons[0]));
    press('ArrowDown', buttons[0]!);
    expect(document.activeElement).toBe(buttons[1]);
    press('ArrowUp', buttons[1]!);
    press('ArrowUp', buttons[0]!); // wraps to the last
    expect(document.activeElement).toBe(buttons[2]);

    // Demo PINs are listed, clearly marked.
    expect(text('demo-pins')).toContain('Demo-PIN-koder');
    expect(all('demo-pin').map(cells)).toEqual([
      ['Anna Andersson', 'Chef', '1111'],
      ['Kalle Karlsson', 'Kassör', '2222'],
    ]);

    // Choose Kalle; Escape goes back to the names, focus on Kalle.
    buttons[1]!.click();
    flushSync();
    const pin = get('pin-input') as HTMLInputElement;
    expect(pin.type).toBe('password');
    expect(pin.getAttribute('inputmode')).toBe('numeric');
    expect(pin.getAttribute('autocomplete')).toBe('off');
    expect(container.querySelector('label[for="pin-input"]')?.textContent).toContain('Kalle Karlsson');
    press('Escape', pin);
    flushSync();
    expect(query('pin-input')).toBeNull();
    await waitFor(() => expect(document.activeElement?.getAttribute('data-staff-id')).toBe('2'));

    // A wrong PIN is shown in the alert and cleared.
    await logIn(2, '9999');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('lock-screen').querySelector('[role="alert"]')?.textContent).toContain('Fel PIN-kod.');
    expect((get('pin-input') as HTMLInputElement).value).toBe('');

    typeInto(get('pin-input') as HTMLInputElement, '2222');
    press('Enter', get('pin-input'));
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
    expect(calls('login')).toEqual([
      { staffId: 2, pin: '9999' },
      { staffId: 2, pin: '2222' },
    ]);
    expect(text('session-name')).toBe('Kalle Karlsson');
    expect(text('session-role')).toBe('Kassör');
    expect(query('lock-screen')).toBeNull();
    // A cashier sees no manager navigation.
    expect(query('nav-staff')).toBeNull();
    expect(query('nav-audit')).toBeNull();
  });

  it('locks on not_logged_in from a scan, and the sale comes back after login', async () => {
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));

    backend.sessionId = null; // the backend's session timed out
    wedgeScan(BREAD);
    await waitFor(() => expect(query('lock-screen')).not.toBeNull());
    expect(query('scan-input')).toBeNull();
    expect(backend.lines).toHaveLength(1);

    const cartCalls = calls('current_cart').length;
    await logIn(KALLE.id, '2222');
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(all('cart-line')[0]!.textContent).toContain('Mjölk 1,5 %');
    expect(calls('current_cart').length).toBe(cartCalls + 1);
  });

  it('switches cashier with F9 without touching the sale', async () => {
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(get('switch-cashier').textContent).toContain('Byt kassör');

    const event = press('F9');
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(query('lock-screen')).not.toBeNull());
    await waitFor(() => expect(calls('logout')).toHaveLength(1));
    expect(calls('void_line')).toEqual([]);
    expect(backend.lines).toHaveLength(1);

    await logIn(ANNA.id, '1111');
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(text('session-name')).toBe('Anna Andersson');

    // The button does the same.
    get('switch-cashier').click();
    await waitFor(() => expect(query('lock-screen')).not.toBeNull());
    await waitFor(() => expect(calls('logout')).toHaveLength(2));
  });

  it('logs out after the idle time without key or pointer activity', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      backend.idleSeconds = 60;
      await render();
      expect(query('scan-input')).not.toBeNull();

      vi.advanceTimersByTime(50_000);
      press('Shift'); // activity restarts the count
      vi.advanceTimersByTime(50_000);
      window.dispatchEvent(new Event('pointerdown'));
      vi.advanceTimersByTime(59_000);
      flushSync();
      expect(calls('logout')).toEqual([]);
      expect(query('lock-screen')).toBeNull();

      vi.advanceTimersByTime(1_000);
      await waitFor(() => expect(query('lock-screen')).not.toBeNull());
      await waitFor(() => expect(calls('logout')).toHaveLength(1));
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for a manager when a cashier voids a line, then retries with the approval', async () => {
    await render();
    wedgeScan(MILK);
    wedgeScan(BREAD);
    await waitFor(() => expect(all('cart-line')).toHaveLength(2));

    const voids = all('void-line');
    expect(voids[0]!.getAttribute('aria-label')).toBe('Makulera Mjölk 1,5 %');
    voids[0]!.click();
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(get('approval-dialog').getAttribute('role')).toBe('dialog');
    expect(calls('void_line')).toEqual([{ index: 0, approval: null }]);
    const manager = get('approval-manager') as HTMLSelectElement;
    expect([...manager.options].map((o) => o.textContent)).toEqual(['Anna Andersson']);
    const pin = get('approval-pin') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(pin));

    // Wrong PIN: the error is shown inside the dialog.
    typeInto(pin, '1234');
    press('Enter', pin);
    await waitFor(() => expect(get('approval-dialog').querySelector('[role="alert"]')).not.toBeNull());
    expect(get('approval-dialog').textContent).toContain('Fel PIN-kod.');
    expect(all('cart-line')).toHaveLength(2);

    typeInto(pin, '1111');
    get('approval-submit').click();
    await waitFor(() => expect(query('approval-dialog')).toBeNull());
    expect(calls('void_line')).toEqual([
      { index: 0, approval: null },
      { index: 0, approval: { manager_id: 1, pin: '1234' } },
      { index: 0, approval: { manager_id: 1, pin: '1111' } },
    ]);
    expect(all('cart-line')).toHaveLength(1);
    expect(all('cart-line')[0]!.textContent).toContain('Rågbröd');
  });

  it('closes the approval dialog with Escape; Delete voids the last line', async () => {
    await render();
    wedgeScan(MILK);
    wedgeScan(BREAD);
    await waitFor(() => expect(all('cart-line')).toHaveLength(2));
    expect(squash(container.querySelector('footer')?.textContent)).toContain('Delete makulera vald rad');

    press('Delete');
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    expect(calls('void_line')).toEqual([{ index: 1, approval: null }]);
    press('Escape', get('approval-pin'));
    flushSync();
    expect(query('approval-dialog')).toBeNull();
    expect(all('cart-line')).toHaveLength(2);

    // A manager's own void needs no approval.
    backend.sessionId = ANNA.id;
    press('Delete');
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(query('approval-dialog')).toBeNull();
    expect(calls('void_line')).toEqual([
      { index: 1, approval: null },
      { index: 1, approval: null },
    ]);
  });

  it('creates the first manager on the first run, checking the PINs', async () => {
    backend.staff = [];
    backend.sessionId = null;
    await render();
    expect(text('first-manager')).toContain('Skapa butikens första chef');

    typeInto(get('first-manager-name') as HTMLInputElement, 'Berit Butik');
    typeInto(get('first-manager-pin') as HTMLInputElement, '1234');
    typeInto(get('first-manager-pin2') as HTMLInputElement, '1243');
    get('first-manager-submit').click();
    flushSync();
    expect(text('error-message')).toBe('PIN-koderna är inte lika.');

    typeInto(get('first-manager-pin') as HTMLInputElement, '12');
    typeInto(get('first-manager-pin2') as HTMLInputElement, '12');
    get('first-manager-submit').click();
    flushSync();
    expect(text('error-message')).toBe('PIN-koden ska vara 4–8 siffror.');
    expect(calls('create_first_manager')).toEqual([]);

    typeInto(get('first-manager-pin') as HTMLInputElement, '123456');
    typeInto(get('first-manager-pin2') as HTMLInputElement, '123456');
    get('first-manager-submit').click();
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
    expect(calls('create_first_manager')).toEqual([{ name: 'Berit Butik', pin: '123456' }]);
    expect(text('session-name')).toBe('Berit Butik');
    expect(text('session-role')).toBe('Chef');
    expect(query('nav-staff')).not.toBeNull();
  });

  it('shows a kiosk only a view-only notice', async () => {
    backend.sessionId = KIM.id;
    await render();
    expect(text('kiosk-notice')).toContain('Kioskläge: endast visning');
    expect(query('scan-input')).toBeNull();
    expect(query('pay-cash')).toBeNull();
    wedgeScan(MILK);
    flushSync();
    expect(calls('scan')).toEqual([]);
  });
});

describe('manager views', () => {
  const entries: AuditEntry[] = [
    {
      seq: 2,
      at: '2025-07-01T10:15:00Z',
      actor: { id: 2, name: 'Kalle Karlsson', role: 'cashier' },
      action: 'sale.void_line',
      subject: 'Mjölk 1,5 %',
      old_value: '14.90',
      new_value: null,
      reason: null,
      outcome: 'done',
      approved_by: { id: 1, name: 'Anna Andersson', role: 'manager' },
    },
    {
      seq: 1,
      at: '2025-01-15T07:00:00Z',
      actor: null,
      action: 'login',
      subject: 'Kalle Karlsson',
      old_value: null,
      new_value: null,
      reason: 'wrong pin',
      outcome: 'refused',
      approved_by: null,
    },
  ];

  function change(element: HTMLElement, value: string): void {
    (element as HTMLInputElement | HTMLSelectElement).value = value;
    element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    flushSync();
  }

  it('shows the audit log in Stockholm time and re-queries when a filter changes', async () => {
    backend.sessionId = ANNA.id;
    backend.audit = entries;
    await render();
    get('nav-audit').click();
    await waitFor(() => expect(all('audit-row')).toHaveLength(2));
    const any = { action_prefix: null, actor_id: null, outcome: null, limit: 200 };
    expect(calls('audit_list')).toEqual([{ filter: any }]);

    const rows = all('audit-row').map((row) => squash(row.textContent));
    expect(rows[0]).toContain('2025-07-01 12:15:00'); // summer time
    expect(rows[0]).toContain('Kalle Karlsson');
    expect(rows[0]).toContain('sale.void_line');
    expect(rows[0]).toContain('14.90 → –');
    expect(rows[0]).toContain('Utförd');
    expect(rows[0]).toContain('Anna Andersson');
    expect(rows[1]).toContain('2025-01-15 08:00:00'); // winter time
    expect(rows[1]).toContain('Nekad');
    expect(rows[1]).toContain('wrong pin');

    // The actor filter lists all staff.
    await waitFor(() => expect((get('audit-filter-actor') as HTMLSelectElement).options).toHaveLength(5));

    backend.audit = [];
    change(get('audit-filter-outcome'), 'refused');
    await waitFor(() => expect(query('audit-empty')).not.toBeNull());
    expect(text('audit-empty')).toBe('Inga händelser.');
    change(get('audit-filter-actor'), '2');
    change(get('audit-filter-action'), ' sale. ');
    await waitFor(() => expect(calls('audit_list')).toHaveLength(4));
    expect(calls('audit_list').slice(1)).toEqual([
      { filter: { ...any, outcome: 'refused' } },
      { filter: { ...any, outcome: 'refused', actor_id: 2 } },
      { filter: { action_prefix: 'sale.', actor_id: 2, outcome: 'refused', limit: 200 } },
    ]);

    // Back to the till: the sale screen is there again.
    get('nav-till').click();
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
  });

  it('lists, adds and disables staff', async () => {
    backend.sessionId = ANNA.id;
    await render();
    get('nav-staff').click();
    await waitFor(() => expect(all('staff-row')).toHaveLength(4));
    expect(cells(all('staff-row')[3]!).slice(0, 3)).toEqual(['Olle Gammal', 'Kassör', 'Avstängd']);
    expect(all('staff-disable')).toHaveLength(2);
    const self = all('staff-row').find((r) => r.dataset.staffId === String(ANNA.id))!;
    expect(self.querySelector('[data-testid="staff-disable"]')).toBeNull();

    // PIN checked in the UI first.
    typeInto(get('staff-add-name') as HTMLInputElement, 'Sara Säljare');
    change(get('staff-add-role'), 'kiosk');
    typeInto(get('staff-add-pin') as HTMLInputElement, '12a4');
    get('staff-add-submit').click();
    flushSync();
    expect(text('error-message')).toBe('PIN-koden ska vara 4–8 siffror.');
    typeInto(get('staff-add-pin') as HTMLInputElement, '5555');
    get('staff-add-submit').click();
    await waitFor(() => expect(all('staff-row')).toHaveLength(5));
    expect(calls('create_staff')).toEqual([{ name: 'Sara Säljare', role: 'kiosk', pin: '5555' }]);
    expect(text('staff-notice')).toBe('Sara Säljare är tillagd.');

    // Disabling asks for a reason.
    const kalle = all('staff-row').find((row) => row.dataset.staffId === '2')!;
    (kalle.querySelector('[data-testid="staff-disable"]') as HTMLElement).click();
    flushSync();
    const reason = get('disable-reason') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(reason));
    get('disable-confirm').click();
    flushSync();
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(calls('disable_staff')).toEqual([]);
    typeInto(reason, 'Slutat');
    get('disable-confirm').click();
    await waitFor(() => expect(calls('disable_staff')).toEqual([{ staffId: 2, reason: 'Slutat' }]));
    await waitFor(() =>
      expect(cells(all('staff-row').find((row) => row.dataset.staffId === '2')!)[2]).toBe('Avstängd'),
    );
  });
});

describe('Swedish register rules on the till', () => {
  function change(element: HTMLElement, value: string): void {
    (element as HTMLInputElement | HTMLSelectElement).value = value;
    element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    flushSync();
  }

  async function scanned(...codes: string[]): Promise<void> {
    for (const code of codes) wedgeScan(code);
    await waitFor(() => expect(all('cart-line')).toHaveLength(codes.length));
  }

  /** Pays the sale in cash (exact amount) and waits for the receipt. */
  async function payCash(): Promise<void> {
    press('F12');
    flushSync();
    const tendered = get('tendered-input') as HTMLInputElement;
    typeInto(tendered, '100');
    press('Enter', tendered);
    await waitFor(() => expect(query('receipt')).not.toBeNull());
  }

  const marks = (testId: string) =>
    [...get(testId).querySelectorAll<HTMLElement>('[data-testid="receipt-mark"]')].map((m) => m.textContent?.trim());

  it('makes the one copy of a receipt with K, and says so when it is asked for again', async () => {
    await render();
    await scanned(MILK);
    await payCash();
    expect(text('delivery')).toBe('Kvittot är utskrivet.');
    expect(text('receipt-no-label')).toBe('Kvitto nr');
    expect(marks('receipt')).toEqual([]);
    expect(query('receipt-copy')).toBeNull();
    expect(text('copy-paper')).toContain('Kopia på papper');

    press('k', document.activeElement ?? document.body);
    await waitFor(() => expect(query('receipt-copy')).not.toBeNull());
    expect(calls('copy_receipt')).toEqual([{ receiptNo: 42, output: 'paper' }]);
    expect(marks('receipt-copy')).toEqual(['KOPIA', 'KOPIA']); // top and bottom
    expect(text('copy-delivery')).toBe('Kvittot är utskrivet.');
    expect(get('receipt-copy').querySelector('[data-testid="control-code"]')?.textContent).toContain('COPY-CODE');
    // The original is still the receipt in front.
    expect(marks('receipt')).toEqual([]);

    // Only one copy: the backend refuses the second, the receipt stays.
    get('copy-file').click();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(calls('copy_receipt')).toEqual([
      { receiptNo: 42, output: 'paper' },
      { receiptNo: 42, output: 'file' },
    ]);
    expect(get('error').dataset.code).toBe('already_done');
    expect(text('error-message')).toBe('Kvitto 42 har redan fått sin kopia');
    expect(query('receipt')).not.toBeNull();

    // Enter still starts the next sale.
    press('Enter', document.body);
    await waitFor(() => expect(query('cart-empty')).not.toBeNull());
  });

  it('gives a copy as a file and shows where it was saved', async () => {
    await render();
    await scanned(MILK);
    await payCash();
    get('copy-file').click();
    await waitFor(() => expect(query('copy-delivery')).not.toBeNull());
    expect(calls('copy_receipt')).toEqual([{ receiptNo: 42, output: 'file' }]);
    expect(text('copy-delivery')).toBe('Kvittot sparades som fil: /tmp/kvitton/kopia-KASSA-1-000042.pdf');
  });

  it('switches the e-receipt on with F6 in the payment panel and shows the file after paying', async () => {
    await render();
    await scanned(MILK);
    await waitFor(() => expect(calls('till_state').length).toBeGreaterThan(0));
    press('F12');
    flushSync();
    const tendered = get('tendered-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(tendered));
    expect(get('e-receipt-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(text('e-receipt-state')).toBe('Kvittot skrivs ut på papper.');

    // F6 is the drawer on the sale screen; in the payment panel it is the e-receipt.
    const event = press('F6', tendered);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(get('e-receipt-toggle').getAttribute('aria-pressed')).toBe('true'));
    expect(calls('set_electronic_receipt')).toEqual([{ on: true }]);
    expect(text('e-receipt-state')).toBe('Kvittot sparas som fil (PDF) i stället för papper.');
    expect(query('drawer-dialog')).toBeNull();
    expect(query('payment-panel')).not.toBeNull();

    typeInto(tendered, '20');
    press('Enter', tendered);
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(text('delivery')).toBe('Kvittot sparades som fil: /tmp/kvitton/kvitto-KASSA-1-000042.pdf');
    expect(text('receipt')).toContain('Elektroniskt kassakvitto');

    // The button does the same, and back off again.
    press('Enter', document.body);
    await scanned(MILK);
    press('F12');
    flushSync();
    await waitFor(() => expect(get('e-receipt-toggle').getAttribute('aria-pressed')).toBe('false'));
    get('e-receipt-toggle').click();
    await waitFor(() => expect(get('e-receipt-toggle').getAttribute('aria-pressed')).toBe('true'));
    get('e-receipt-toggle').click();
    await waitFor(() => expect(get('e-receipt-toggle').getAttribute('aria-pressed')).toBe('false'));
    expect(calls('set_electronic_receipt')).toEqual([{ on: true }, { on: true }, { on: false }]);
  });

  it('shows a printer problem under the receipt in the screen language', async () => {
    await render();
    await scanned(MILK);
    const problem: Delivery = {
      printed: false,
      file: null,
      problem: 'The printer did not answer (timeout).',
      problem_sv: 'Skrivaren svarade inte (timeout).',
    };
    const fallback = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command: string, args?: Parameters<typeof invoke>[1]) =>
      command === 'pay_cash' ? { status: 'paid', receipt, delivery: problem } : fallback(command, args),
    );
    await payCash();
    expect(text('delivery-problem')).toBe('Skrivaren svarade inte (timeout).');
    get('lang-en').click();
    await waitFor(() => expect(text('delivery-problem')).toBe('The printer did not answer (timeout).'));
  });

  it('takes a return with F1: receipt number, quantities, reason, and a manager’s PIN', async () => {
    await render();
    expect(text('return-button')).toContain('F1');
    const event = press('F1');
    expect(event.defaultPrevented).toBe(true);
    flushSync();
    const number = get('return-receipt-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(number));

    // A receipt that is not there: the backend says so, the number stays.
    typeInto(number, '41');
    press('Enter', number);
    await waitFor(() => expect(text('error-message')).toBe('Kvitto 41 finns inte'));
    expect(number.value).toBe('41');
    typeInto(number, '42');
    press('Enter', number);
    await waitFor(() => expect(all('return-line')).toHaveLength(3));
    expect(calls('return_plan')).toEqual([{ receiptNo: 41 }, { receiptNo: 42 }]);
    expect(query('error')).toBeNull();
    expect(text('return-dialog')).toContain('Retur mot kvitto nr 42');
    expect(text('return-earlier')).toBe('Tidigare returer: kvitto nr 40');
    const row = (index: number) => [squash(all('return-line')[index]!.querySelector('th')?.textContent), ...cells(all('return-line')[index]!).slice(0, 4)];
    expect(row(0)).toEqual(['Mjölk 1,5 %', '3', '1', '2', nb('29,80 kr')]);
    expect(row(1)).toEqual(['Bananer', '0,752', '0,000', '0,752', nb('18,72 kr')]);
    // A line with nothing left takes no quantity.
    expect(all('return-qty').map((i) => i.dataset.line)).toEqual(['1', '2']);
    const [milk, bananas] = all('return-qty') as HTMLInputElement[];
    await waitFor(() => expect(document.activeElement).toBe(milk));
    expect(bananas!.getAttribute('inputmode')).toBe('decimal');

    // Nothing chosen, then no reason: told in the dialog, nothing sent.
    press('Enter', milk!);
    flushSync();
    expect(text('error-message')).toBe('Skriv hur mycket som ska returneras på minst en rad.');
    typeInto(milk!, '1');
    typeInto(bananas!, '0,452');
    press('Enter', bananas!);
    flushSync();
    expect(text('error-message')).toBe('Skriv en anledning.');
    const reason = get('return-reason') as HTMLInputElement;
    expect(document.activeElement).toBe(reason);
    expect(calls('return_items')).toEqual([]);

    // A cashier needs a manager: the approval opens over the return, which keeps what was typed.
    typeInto(reason, 'Trasig förpackning');
    press('Enter', reason);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    const wanted = [
      { line: 1, quantity: '1' },
      { line: 2, quantity: '0.452' },
    ];
    expect(calls('return_items')).toEqual([{ receiptNo: 42, lines: wanted, reason: 'Trasig förpackning', approval: null }]);
    expect(text('approval-dialog')).toContain('En chef måste godkänna returen.');
    expect(query('return-dialog')).not.toBeNull();
    expect(get('return-dialog').parentElement!.inert).toBe(true);

    // Cancelled: back in the return with everything kept.
    press('Escape', get('approval-pin'));
    await waitFor(() => expect(query('approval-dialog')).toBeNull());
    expect(get('return-dialog').parentElement!.inert).toBe(false);
    expect((all('return-qty')[1] as HTMLInputElement).value).toBe('0,452');
    expect((get('return-reason') as HTMLInputElement).value).toBe('Trasig förpackning');
    await waitFor(() => expect(document.activeElement).toBe(get('return-reason')));

    // Again, with the manager's PIN: the RETUR receipt replaces the till.
    backend.toCash = [{ method: 'card', amount: '14.90', reason: 'declined' }];
    const tillStates = calls('till_state').length;
    get('return-confirm').click();
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    typeInto(get('approval-pin') as HTMLInputElement, '1111');
    press('Enter', get('approval-pin'));
    await waitFor(() => expect(query('receipt')).not.toBeNull());
    expect(calls('return_items')).toEqual([
      { receiptNo: 42, lines: wanted, reason: 'Trasig förpackning', approval: null },
      { receiptNo: 42, lines: wanted, reason: 'Trasig förpackning', approval: null },
      { receiptNo: 42, lines: wanted, reason: 'Trasig förpackning', approval: { manager_id: 1, pin: '1111' } },
    ]);
    expect(query('return-dialog')).toBeNull();
    expect(query('approval-dialog')).toBeNull();
    expect(squash(container.querySelector('#sale-complete-title')?.textContent)).toBe('Returen är klar');
    expect(marks('receipt')).toEqual(['RETUR', 'RETUR']);
    expect(text('receipt-no')).toBe('43');
    expect(text('receipt-original')).toBe('Retur av kvitto nr 42');
    expect(text('receipt-total')).toBe(nb('-26,15 kr'));
    expect(text('refund-total')).toBe(nb('26,15 kr'));
    expect(text('control-code')).toBe('Kontrollkod RET-CODE-43');
    expect(text('to-cash-instead')).toBe(`Återbetalas kontant i stället: Kort ${nb('14,90 kr')} (declined)`);
    expect(text('delivery')).toBe('Kvittot är utskrivet.');
    await waitFor(() => expect(calls('till_state').length).toBe(tillStates + 1));

    // The return's receipt has its one copy too.
    press('K', document.body);
    await waitFor(() => expect(calls('copy_receipt')).toEqual([{ receiptNo: 43, output: 'paper' }]));
  });

  it('fills every line with what is left (All), and keeps the dialog with a refused return', async () => {
    backend.sessionId = ANNA.id; // a manager returns without approval
    await render();
    get('return-button').click();
    flushSync();
    typeInto(get('return-receipt-input') as HTMLInputElement, '42');
    get('return-find').click();
    await waitFor(() => expect(all('return-qty')).toHaveLength(2));

    get('return-all').click();
    flushSync();
    expect((all('return-qty') as HTMLInputElement[]).map((i) => i.value)).toEqual(['2', '0,752']);

    // A piece line takes whole numbers only (checked here; the backend checks again).
    typeInto(all('return-qty')[0] as HTMLInputElement, '1,5');
    typeInto(get('return-reason') as HTMLInputElement, 'Ångrat köp');
    get('return-confirm').click();
    flushSync();
    expect(text('error-message')).toBe('Mjölk 1,5 %: skriv ett helt antal.');
    expect(calls('return_items')).toEqual([]);

    typeInto(all('return-qty')[0] as HTMLInputElement, '2');
    backend.returnError = apiError('invalid_input', 'Line 2 (Bananer): 0,752 is more than the 0,5 left to return', 'Rad 2 (Bananer): 0,752 är mer än de 0,5 som är kvar att returnera');
    get('return-confirm').click();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(calls('return_items')).toEqual([
      {
        receiptNo: 42,
        lines: [
          { line: 1, quantity: '2' },
          { line: 2, quantity: '0.752' },
        ],
        reason: 'Ångrat köp',
        approval: null,
      },
    ]);
    expect(text('error-message')).toBe('Rad 2 (Bananer): 0,752 är mer än de 0,5 som är kvar att returnera');
    expect(get('return-dialog').contains(get('error'))).toBe(true);
    expect((all('return-qty')[1] as HTMLInputElement).value).toBe('0,752');

    // Another receipt, then Escape closes the dialog: the till is as it was.
    get('return-back').click();
    flushSync();
    expect(query('return-receipt-input')).not.toBeNull();
    press('Escape', get('return-receipt-input'));
    flushSync();
    expect(query('return-dialog')).toBeNull();
    expect(query('cart-empty')).not.toBeNull();
  });

  it('refuses a scan in the return dialog and opens no return during a sale', async () => {
    await render();
    press('F1');
    flushSync();
    const number = get('return-receipt-input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(number));
    keys(number, '4', HUMAN_MS);
    expect(keys(number, `${MILK}\n`, SCANNER_MS).defaultPrevented).toBe(true);
    expect(number.value).toBe('4');
    expect(calls('return_plan')).toEqual([]);
    expect(text('error-message')).toBe('Stäng rutan först – skanningen togs inte emot');
    press('Escape', number);
    flushSync();

    await scanned(MILK);
    expect(get('return-button').hasAttribute('disabled')).toBe(true);
    press('F1');
    flushSync();
    expect(query('return-dialog')).toBeNull();
  });

  it('shows a pro forma receipt with F11 over the sale, which goes on after Escape', async () => {
    await render();
    expect(get('pro-forma-button').hasAttribute('disabled')).toBe(true);
    await scanned(MILK);
    const event = press('F11');
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(query('pro-forma-receipt')).not.toBeNull());
    expect(calls('pro_forma')).toEqual([undefined]);
    expect(marks('pro-forma-receipt')).toEqual(['EJ KVITTO', 'EJ KVITTO']);
    expect(text('pro-forma-receipt')).toContain('Proforma nr');
    expect(text('pro-forma-delivery')).toBe('Kvittot är utskrivet.');
    expect(query('receipt')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(get('pro-forma-close')));

    press('Escape', get('pro-forma-close'));
    flushSync();
    expect(query('pro-forma-dialog')).toBeNull();
    expect(all('cart-line')).toHaveLength(1);
    expect(backend.lines).toHaveLength(1);
    // The sale goes on: pay it.
    await payCash();
  });

  it('shows the training and control unit banners, and asks again when a manager page closes', async () => {
    backend.till = { ...TILL_STATE, training: true };
    backend.sessionId = ANNA.id;
    await render();
    await waitFor(() => expect(query('training-banner')).not.toBeNull());
    expect(text('training-banner')).toBe('ÖVNINGSLÄGE – kvitton är övningskvitton och räknas inte som försäljning');
    expect(query('control-unit-banner')).toBeNull();
    get('lang-en').click();
    await waitFor(() => expect(text('training-banner')).toBe('TRAINING MODE – receipts are training receipts, not sales'));
    get('lang-sv').click();

    // Training off and the control unit down, changed elsewhere: seen when the till is back.
    get('nav-staff').click();
    await waitFor(() => expect(query('staff-view')).not.toBeNull());
    backend.till = { ...TILL_STATE, control_unit_outage: true };
    get('nav-till').click();
    await waitFor(() => expect(query('control-unit-banner')).not.toBeNull());
    expect(query('training-banner')).toBeNull();
    expect(text('control-unit-banner')).toBe('Kontrollenheten svarar inte – kvitton registreras inte i kontrollenheten');
  });

  it('shows a training receipt with its mark and number label', async () => {
    await render();
    await scanned(MILK);
    const fallback = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command: string, args?: Parameters<typeof invoke>[1]) =>
      command === 'pay_cash'
        ? { status: 'paid', receipt: { ...receipt, kind: 'training', control: null }, delivery: PRINTED }
        : fallback(command, args),
    );
    await payCash();
    expect(marks('receipt')).toEqual(['ÖVNINGSKVITTO', 'ÖVNINGSKVITTO']);
    expect(text('receipt-no-label')).toBe('Övningskvitto nr');
    // No copy of a training receipt.
    expect(query('copy-paper')).toBeNull();
    press('k', document.body);
    flushSync();
    expect(calls('copy_receipt')).toEqual([]);
  });

  it('keeps the sale and its payments when the control unit stops the payment', async () => {
    await render();
    await scanned(MILK);
    backend.payError = apiError(
      'control_unit_down',
      'The control unit does not answer; the store stops selling until it does',
      'Kontrollenheten svarar inte; butiken säljer inte förrän den gör det',
    );
    press('F12');
    flushSync();
    const tendered = get('tendered-input') as HTMLInputElement;
    const before = calls('till_state').length;
    typeInto(tendered, '20');
    press('Enter', tendered);
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('payment-panel').contains(get('error'))).toBe(true);
    expect(text('error-message')).toBe('Kontrollenheten svarar inte; butiken säljer inte förrän den gör det');
    expect(query('receipt')).toBeNull();
    expect(backend.lines).toHaveLength(1);
    await waitFor(() => expect(calls('till_state').length).toBe(before + 1));
  });

  it('sets the simulated control unit from the simulator panel', async () => {
    backend.status = { ...demoStatus, simulated_devices: true };
    await render();
    const select = get('sim-control-unit-select') as HTMLSelectElement;
    await waitFor(() => expect(calls('till_state').length).toBeGreaterThan(0));
    expect(select.value).toBe('ok');
    expect([...select.options].map((o) => o.textContent?.trim())).toEqual(['Fungerar', 'Ur funktion (simulator)']);
    select.focus();
    change(select, 'failing');
    await waitFor(() => expect(calls('simulate_control_unit')).toEqual([{ failing: true }]));
    expect(select.value).toBe('failing');
    expect(document.activeElement).not.toBe(select);
    change(select, 'ok');
    await waitFor(() => expect(calls('simulate_control_unit')).toEqual([{ failing: true }, { failing: false }]));
    // The scanner still works.
    await scanned(MILK);
  });
});

describe('opening hours on the till', () => {
  it('shows everyone logged in whether the store is open, and a manager the way to the hours', async () => {
    await render();
    await waitFor(() => expect(query('hours-chip')).not.toBeNull());
    const chip = get('hours-chip');
    expect(chip.dataset.open).toBe('true');
    // The reason is its title, and read out after the state (hidden from sight).
    expect(text('hours-chip')).toBe('Öppet · stänger inte den kommande veckan. Ordinarie veckoschema (lördag)');
    expect(chip.getAttribute('title')).toBe('Ordinarie veckoschema (lördag)');
    // A cashier's chip only tells; there is no banner while open.
    expect(chip.tagName).toBe('SPAN');
    expect(query('closed-banner')).toBeNull();
    expect(calls('hours_status')).toHaveLength(1);

    // A manager's chip is a button to the opening hours, as is the navigation.
    press('F9');
    await waitFor(() => expect(query('lock-screen')).not.toBeNull());
    backend.sessionId = ANNA.id;
    backend.hours = CLOSED_HOURS;
    unmount(app!);
    app = null;
    container.remove();
    await render();
    await waitFor(() => expect(get('hours-chip').dataset.open).toBe('false'));
    const button = get('hours-chip');
    expect(button.tagName).toBe('BUTTON');
    expect(text('hours-chip')).toBe('Stängt · tills vidare');
    expect(button.getAttribute('aria-label')).toBe('Öppettider: Stängt · tills vidare. Stängt nu av chef: IT-incident. visa öppettiderna');
    // A manager's own sale needs no approval: the banner says so.
    expect(text('closed-banner')).toBe('Butiken är stängd (Stängt tills vidare). Din försäljning registreras som godkänd av dig.');
    button.click();
    await waitFor(() => expect(query('hours-now')).not.toBeNull());
    expect(text('hours-now')).toContain('Stängt tills vidare');
    expect(get('nav-hours').getAttribute('aria-current')).toBe('page');
    expect(query('closed-banner')).toBeNull();
    get('nav-till').click();
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
    get('nav-hours').click();
    await waitFor(() => expect(query('hours-view')).not.toBeNull());
  });

  it('tells a kiosk the state too, without a banner about selling', async () => {
    backend.sessionId = KIM.id;
    backend.hours = CLOSED_HOURS;
    await render();
    await waitFor(() => expect(query('hours-chip')).not.toBeNull());
    expect(get('hours-chip').dataset.open).toBe('false');
    expect(get('hours-chip').tagName).toBe('SPAN');
    expect(query('closed-banner')).toBeNull();
  });

  it('asks a manager when a cashier scans while closed, then takes the burst once, in order', async () => {
    backend.hours = CLOSED_HOURS;
    await render();
    await waitFor(() =>
      expect(text('closed-banner')).toBe('Butiken är stängd (Stängt tills vidare). En försäljning kräver en chefs godkännande.'),
    );
    get('lang-en').click();
    await waitFor(() =>
      expect(text('closed-banner')).toBe('The store is closed (Closed until further notice). A sale needs a manager’s approval.'),
    );
    get('lang-sv').click();
    flushSync();

    // Two scans in a burst: both refused, one dialog.
    wedgeScan(MILK);
    wedgeScan(BREAD);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    await waitFor(() => expect(calls('scan')).toHaveLength(2));
    expect(text('approval-dialog')).toContain(
      'Butiken är stängd (Stängt tills vidare). Försäljning utanför öppettiderna kräver en chefs godkännande',
    );
    expect(all('approval-dialog')).toHaveLength(1);
    expect(all('cart-line')).toHaveLength(0);
    expect(query('error')).toBeNull();

    const pin = get('approval-pin') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(pin));
    typeInto(pin, '1111');
    press('Enter', pin);
    await waitFor(() => expect(all('cart-line')).toHaveLength(2));
    expect(query('approval-dialog')).toBeNull();
    expect(calls('approve_outside_hours')).toEqual([{ approval: { manager_id: 1, pin: '1111' } }]);
    expect(calls('scan')).toEqual([{ code: MILK }, { code: BREAD }, { code: MILK }, { code: BREAD }]);
    expect(all('cart-line').map((l) => l.textContent)).toEqual([
      expect.stringContaining('Mjölk 1,5 %'),
      expect.stringContaining('Rågbröd'),
    ]);
    expect(text('outside-hours-note')).toBe('Försäljning utanför öppettiderna – godkänd av Anna Andersson');
    get('lang-en').click();
    await waitFor(() => expect(text('outside-hours-note')).toBe('Sale outside opening hours – approved by Anna Andersson'));
  });

  it('says a training sale needs no approval while closed', async () => {
    backend.hours = CLOSED_HOURS;
    backend.till = { ...TILL_STATE, training: true };
    await render();
    await waitFor(() =>
      expect(text('closed-banner')).toBe('Butiken är stängd (Stängt tills vidare). Övningsköp behöver inget godkännande.'),
    );
  });

  it('leaves the cart empty when the approval is cancelled', async () => {
    backend.hours = CLOSED_HOURS;
    await render();
    wedgeScan(MILK);
    await waitFor(() => expect(query('approval-dialog')).not.toBeNull());
    press('Escape', get('approval-pin'));
    flushSync();
    expect(query('approval-dialog')).toBeNull();
    expect(all('cart-line')).toHaveLength(0);
    expect(query('error')).toBeNull();
    expect(calls('scan')).toEqual([{ code: MILK }]);
    expect(calls('approve_outside_hours')).toEqual([]);
    expect(query('closed-banner')).not.toBeNull();
  });

  it('says when customers still inside are served after closing', async () => {
    backend.hours = { ...CLOSED_HOURS, in_grace: true, since: '2025-03-01T20:00:00Z' };
    await render();
    await waitFor(() =>
      expect(text('closed-banner')).toBe('Stängt sedan 21:00 – kunder som redan är i butiken betjänas.'),
    );
    // Within the grace a scan is taken as usual.
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(query('approval-dialog')).toBeNull();
  });

  it('shows a sale allowed outside hours by the approval setting', async () => {
    backend.outsideHours = { at: '2025-03-01T21:30:00Z', state: 'Stängt tills vidare', decided: CLOSED_HOURS.decided, approved_by: null };
    backend.lines = [products[MILK]!];
    await render();
    await waitFor(() => expect(query('outside-hours-note')).not.toBeNull());
    expect(text('outside-hours-note')).toBe('Försäljning utanför öppettiderna – tillåten enligt inställning');
  });
});

describe('payment methods on the till', () => {
  /** The backend as installed, with the payment commands answered as given. */
  function withPayments(answers: Partial<Record<string, (args: Record<string, unknown>) => unknown>>): void {
    const fallback = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command: string, args?: Parameters<typeof invoke>[1]) => {
      const answer = answers[command];
      return answer ? answer((args ?? {}) as Record<string, unknown>) : fallback(command, args);
    });
  }

  const CARD_OFF = paymentsStatus({
    in_force: inForce({
      card_online: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: { id: 1, name: 'Anna Andersson' }, change_id: 4 },
      card_offline: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: { id: 1, name: 'Anna Andersson' }, change_id: 5 },
    }),
    acceptance: NO_CARDS,
  });

  it('tells customers on the till while a method is not taken, and greys it out in the payment panel', async () => {
    withPayments({ payments_status: () => CARD_OFF });
    await render();
    await waitFor(() => expect(query('payment-banner')).not.toBeNull());
    expect(text('payment-banner-sv')).toBe('I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort');
    expect(text('payment-banner-en')).toBe('Today we take: cash, Swish, Scan & Pay, gift vouchers — not cards');
    expect(get('payment-banner').getAttribute('lang')).toBeNull();
    expect(get('payment-banner-sv').getAttribute('lang')).toBe('sv');

    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    press('F12');
    await waitFor(() => expect(query('payment-panel')).not.toBeNull());
    expect((get('pay-card') as HTMLButtonElement).disabled).toBe(true);
    expect(get('pay-card').dataset.available).toBe('false');
    expect(text('pay-card-note')).toBe('Tas inte nu: Terminalen är trasig');
    press('F1', get('tendered-input'));
    flushSync();
    expect(calls('pay_card')).toEqual([]);
    expect(text('error-message')).toBe('Kort – Tas inte nu: Terminalen är trasig');
  });

  it('shows no banner when every method is taken', async () => {
    withPayments({ payments_status: () => paymentsStatus({ acceptance: ALL_TAKEN }) });
    await render();
    await waitFor(() => expect(calls('payments_status')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    flushSync();
    expect(query('scan-input')).not.toBeNull();
    expect(query('payment-banner')).toBeNull();
  });

  it('opens the customer display in its own window, from the payments page and for anyone who sells from the header', async () => {
    backend.sessionId = ANNA.id;
    withPayments({
      payments_status: () => CARD_OFF,
      payments_view: () => paymentsView({ in_force: CARD_OFF.in_force, acceptance: NO_CARDS }),
      open_customer_display: () => null,
    });
    await render();
    get('nav-payments').click();
    await waitFor(() => expect(query('payment-state-card_online')).not.toBeNull());
    expect(get('nav-payments').getAttribute('aria-current')).toBe('page');
    expect(get('register-nav-payments').getAttribute('aria-current')).toBe('page');
    expect(get('payment-state-card_online').dataset.availability).toBe('disabled');
    // The till's banner is for the till screen.
    expect(query('payment-banner')).toBeNull();

    get('open-customer-display').click();
    await waitFor(() => expect(calls('open_customer_display')).toHaveLength(1));
    // This window goes on with the payments page: the display is the other window's.
    expect(query('payments-view')).not.toBeNull();
    expect(query('session')).not.toBeNull();

    // The header offers it on every page, by keyboard too (a button).
    get('nav-till').click();
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
    const header = get('open-customer-display-header') as HTMLButtonElement;
    expect(header.tagName).toBe('BUTTON');
    expect(header.disabled).toBe(false);
    header.click();
    await waitFor(() => expect(calls('open_customer_display')).toHaveLength(2));
    expect(query('customer-display-error')).toBeNull();
  });

  it('offers a cashier the customer display, and says why when the window cannot be opened', async () => {
    withPayments({
      open_customer_display: () => {
        throw { code: 'internal', message: 'The window could not be made', message_sv: 'Fönstret kunde inte skapas' };
      },
    });
    await render();
    expect(text('session-name')).toBe('Kalle Karlsson');
    get('open-customer-display-header').click();
    await waitFor(() => expect(query('customer-display-error')).not.toBeNull());
    expect(text('customer-display-error')).toContain('Fönstret kunde inte skapas');
    expect(calls('open_customer_display')).toHaveLength(1);
    get('customer-display-error-close').click();
    await waitFor(() => expect(query('customer-display-error')).toBeNull());
  });

  it('flags overdue offline card payments to a manager on every page but the payments page', async () => {
    backend.sessionId = ANNA.id;
    withPayments({
      payments_status: () => paymentsStatus({ overdue_offline: 2 }),
      payments_view: () => paymentsView(),
    });
    await render();
    await waitFor(() => expect(query('overdue-offline-banner')).not.toBeNull());
    expect(text('overdue-offline-banner')).toBe('2 kortbetalningar offline har inte skickats vidare i tid. Visa betalsätten');
    locale.set('en');
    flushSync();
    expect(text('overdue-offline-banner')).toBe('2 offline card payments have not been sent on in time. Show the payment methods');
    locale.set('sv');
    flushSync();
    get('nav-hours').click();
    await waitFor(() => expect(query('hours-view')).not.toBeNull());
    expect(query('overdue-offline-banner')).not.toBeNull();
    get('overdue-offline-open').click();
    await waitFor(() => expect(query('payments-view')).not.toBeNull());
    expect(query('overdue-offline-banner')).toBeNull();
  });

  it('does not flag overdue payments to a cashier, and says “1” in the singular to a manager', async () => {
    withPayments({ payments_status: () => paymentsStatus({ overdue_offline: 1 }) });
    await render();
    await waitFor(() => expect(calls('payments_status')).toHaveLength(1));
    await sleep(20);
    flushSync();
    expect(query('overdue-offline-banner')).toBeNull();
    unmount(app!);
    app = null;
    container.remove();

    backend.sessionId = ANNA.id;
    await render();
    await waitFor(() => expect(query('overdue-offline-banner')).not.toBeNull());
    expect(text('overdue-offline-banner')).toContain('1 kortbetalning offline har inte skickats vidare i tid.');
  });

  it('offers every method in training mode: the backend does not check methods for training sales', async () => {
    backend.till = { ...TILL_STATE, training: true };
    withPayments({ payments_status: () => CARD_OFF });
    await render();
    await waitFor(() => expect(query('training-banner')).not.toBeNull());
    await waitFor(() => expect(calls('payments_status')).toHaveLength(1));
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    press('F12');
    await waitFor(() => expect(query('payment-panel')).not.toBeNull());
    expect((get('pay-card') as HTMLButtonElement).disabled).toBe(false);
    expect(get('pay-card').dataset.available).toBe('true');
    expect(query('pay-card-note')).toBeNull();
    press('F1', get('tendered-input'));
    await waitFor(() => expect(calls('pay_card')).toHaveLength(1));
  });

  it('lets a cashier check Scan & Pay purchases, and go back to the till', async () => {
    withPayments({ scan_and_pay_day: () => scanAndPayDay({ purchases: [received('SP-1')], unchecked: 1, total: '40.38' }) });
    await render();
    expect(query('nav-staff')).toBeNull();
    get('nav-scan-and-pay').click();
    await waitFor(() => expect(query('scan-and-pay-row')).not.toBeNull());
    // A cashier sees no manager pages and no import.
    expect(query('register-nav')).toBeNull();
    expect(query('scan-and-pay-file')).toBeNull();
    get('scan-and-pay-back').click();
    await waitFor(() => expect(query('scan-input')).not.toBeNull());
  });

  it('cuts the simulated links from the simulator panel: sends the LinkHealth, shows the state the backend keeps', async () => {
    backend.status = { ...demoStatus, simulated_devices: true };
    let refuse = false;
    withPayments({
      payments_status: () => paymentsStatus(),
      simulate_health: (args) => {
        if (refuse) throw { code: 'not_allowed', message: 'Not allowed', message_sv: 'Inte tillåtet' };
        return paymentsView({ health: args.health as PaymentsStatus['health'] });
      },
    });
    await render();
    await waitFor(() => expect(calls('payments_status')).toHaveLength(1));
    expect(text('simulator-panel')).toContain('Kortinlösaren nåbar (simulator)');
    const acquirer = get('sim-acquirer') as HTMLInputElement;
    const swish = get('sim-swish-link') as HTMLInputElement;
    expect(acquirer.checked).toBe(true);

    // Cut the acquirer: exactly that LinkHealth is sent.
    acquirer.click();
    await waitFor(() => expect(calls('simulate_health')).toEqual([{ health: { acquirer_reachable: false, swish_reachable: true } }]));
    await waitFor(() => expect(acquirer.checked).toBe(false));

    // Then Swish: the acquirer stays cut in what is sent (the state the backend answered with).
    swish.click();
    await waitFor(() => expect(calls('simulate_health')).toHaveLength(2));
    expect(calls('simulate_health')[1]).toEqual({ health: { acquirer_reachable: false, swish_reachable: false } });

    // A refused call: the box shows the link as it still is, not the click.
    refuse = true;
    acquirer.click();
    expect(acquirer.checked).toBe(true);
    await waitFor(() => expect(calls('simulate_health')).toHaveLength(3));
    expect(calls('simulate_health')[2]).toEqual({ health: { acquirer_reachable: true, swish_reachable: false } });
    await waitFor(() => expect(acquirer.checked).toBe(false));
    expect(swish.checked).toBe(false);
  });
});

describe('degraded mode on the till', () => {
  /** The backend as installed, with the status board and incidents answered as given. */
  function withBoard(board: () => unknown): void {
    const fallback = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command: string, args?: Parameters<typeof invoke>[1]) => {
      if (command === 'status_board') return board();
      if (command === 'incidents') return [];
      return fallback(command, args);
    });
  }

  const DRILL = incidentSummary({ id: 9, practice: true, cause: 'Övning', drill: ['card_acquirer'] });

  it('tells the cashier the store is in degraded mode and that a drill is practice; the chip shows the mode', async () => {
    withBoard(() => statusBoard({ mode: DEGRADED_MODE, drill: DRILL }));
    await render();
    await waitFor(() => expect(query('degraded-banner')).not.toBeNull());
    expect(text('degraded-banner-title')).toBe('Nödläge');
    expect(text('drill-banner')).toBe('ÖVNING: Kortinlösare (simulerat)');
    expect(get('mode-chip').dataset.mode).toBe('degraded');
    // A cashier's chip leads nowhere.
    expect(get('mode-chip').tagName).toBe('SPAN');
    expect(query('scan-input')).not.toBeNull();
    expect(calls('status_board')).toHaveLength(1);
  });

  it('shows no banner in normal mode, and still sells when the board cannot be read', async () => {
    withBoard(() => statusBoard());
    await render();
    await waitFor(() => expect(query('mode-chip')).not.toBeNull());
    expect(text('mode-chip')).toBe('Normal');
    expect(query('degraded-banner')).toBeNull();
    expect(query('drill-banner')).toBeNull();
    unmount(app!);
    app = null;
    container.remove();

    withBoard(() => {
      throw { code: 'internal', message: 'No board', message_sv: 'Ingen tavla' };
    });
    await render();
    await waitFor(() => expect(calls('status_board').length).toBeGreaterThanOrEqual(2));
    wedgeScan(MILK);
    await waitFor(() => expect(all('cart-line')).toHaveLength(1));
    expect(query('mode-chip')).toBeNull();
    expect(query('error')).toBeNull();
  });

  it('takes a manager from the chip to the status page, first among the register pages', async () => {
    backend.sessionId = ANNA.id;
    withBoard(() => statusBoard({ mode: DEGRADED_MODE }));
    await render();
    await waitFor(() => expect(query('mode-chip')).not.toBeNull());
    get('mode-chip').click();
    await waitFor(() => expect(query('status-view')).not.toBeNull());
    expect(get('store-mode').dataset.mode).toBe('degraded');
    expect(get('register-nav-status').getAttribute('aria-current')).toBe('page');
    // The till's banner is for the till screen.
    expect(query('degraded-banner')).toBeNull();
    // The page uses the board fetched after login: no second read.
    expect(calls('status_board')).toHaveLength(1);
  });
});
