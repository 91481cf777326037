// Payment methods as the till shows them (issue 7): the state in force in words, what each of
// the payment panel's buttons may take now, the manager's forms, the offline-card figures. Pure:
// the caller passes the language. The backend decides and checks everything (a tender it will
// not take is refused with `method_refused`, naming the methods that would); this only words it.
//
// Money stays a decimal string. Where two amounts must be compared or subtracted (the room left
// under the offline caps) it is done on whole öre as BigInt, never on floating point.

import type {
  Availability,
  FallbackRule,
  InForce,
  Limits,
  LinkHealth,
  Money,
  PaymentChange,
  PaymentMethod,
  PaymentsStatus,
  PaymentsView,
  MethodState,
  SetMethod,
  Tender,
  TenderMethod,
} from './bindings';
import { translate, type Lang, type MessageKey } from './i18n';
import { groupThousands, NBSP, splitDecimal } from './money';

/** Every method, in the backend's order (`InForce.methods` comes in this order). */
export const PAYMENT_METHODS: readonly PaymentMethod[] = [
  'cash',
  'card_online',
  'card_offline',
  'swish',
  'scan_and_pay',
  'gift_voucher',
];

/** The two ways a card is taken: the crisis preset switches both. */
export const CARD_METHODS: readonly PaymentMethod[] = ['card_online', 'card_offline'];

export const METHOD_LABEL: Record<PaymentMethod, MessageKey> = {
  cash: 'payMethodCash',
  card_online: 'payMethodCardOnline',
  card_offline: 'payMethodCardOffline',
  swish: 'payMethodSwish',
  scan_and_pay: 'payMethodScanAndPay',
  gift_voucher: 'payMethodVoucher',
};

export const AVAILABILITY_LABEL: Record<Availability, MessageKey> = {
  enabled: 'payAvailEnabled',
  limited: 'payAvailLimited',
  disabled: 'payAvailDisabled',
};

export const AVAILABILITIES: readonly Availability[] = ['enabled', 'limited', 'disabled'];

export type RuleKind = FallbackRule['kind'];

/** The fallback rules, each with its name and what it does in plain words. */
export const RULES: readonly { kind: RuleKind; label: MessageKey; description: MessageKey }[] = [
  { kind: 'card_offline_when_acquirer_down', label: 'payRuleOfflineLabel', description: 'payRuleOfflineText' },
  { kind: 'disable_card_at_exposure_cap', label: 'payRuleCapLabel', description: 'payRuleCapText' },
  { kind: 'hide_swish_when_down', label: 'payRuleSwishLabel', description: 'payRuleSwishText' },
];

export function methodName(method: PaymentMethod, lang: Lang): string {
  return translate(lang, METHOD_LABEL[method]);
}

export function availabilityName(availability: Availability, lang: Lang): string {
  return translate(lang, AVAILABILITY_LABEL[availability]);
}

/** A fallback rule's name; one this screen does not know is still named as a rule. */
export function ruleName(rule: FallbackRule, lang: Lang): string {
  const entry = RULES.find((r) => r.kind === rule.kind);
  return entry ? translate(lang, entry.label) : translate(lang, 'payRuleUnknown', { kind: String(rule.kind) });
}

/** An offline card payment's status (the backend's `pending`, `forwarded`, `declined`) in words. */
export function offlineStatusName(status: string, lang: Lang): string {
  const key: Record<string, MessageKey> = {
    pending: 'payOfflinePending',
    forwarded: 'payOfflineForwarded',
    declined: 'payOfflineDeclined',
  };
  const found = Object.hasOwn(key, status) ? key[status] : undefined;
  return found ? translate(lang, found) : translate(lang, 'payOfflineOther', { status });
}

/**
 * How a Scan & Pay purchase was paid in the app: "card" and "swish" in words; another provider
 * (the app service names its own) as it is written.
 */
export function providerName(provider: string, lang: Lang): string {
  const key: Record<string, MessageKey> = { card: 'methodCard', swish: 'methodSwish' };
  const found = Object.hasOwn(key, provider.toLowerCase()) ? key[provider.toLowerCase()] : undefined;
  return found ? translate(lang, found) : provider;
}

/** "1 betalning", "3 betalningar" (`one` and `many` are the two forms; `many` has {count}). */
export function countText(count: number, one: MessageKey, many: MessageKey, lang: Lang): string {
  return count === 1 ? translate(lang, one, { count }) : translate(lang, many, { count });
}

/** The state of `method` in force (undefined only if the backend left it out). */
export function stateOf(inForce: InForce, method: PaymentMethod): MethodState | undefined {
  return inForce.methods.find((state) => state.method === method);
}

// ------------------------------------------------------------------------------- money

/** A decimal string as whole öre ("12.5" → 1250n); null if it is not one. Extra decimals are cut. */
export function toOre(value: Money): bigint | null {
  const parts = splitDecimal(value);
  if (!parts) return null;
  const ore = BigInt(parts.int) * 100n + BigInt(parts.frac.padEnd(2, '0').slice(0, 2) || '0');
  return parts.negative ? -ore : ore;
}

/** Whole öre as the backend writes money (1250n → "12.50"). */
export function fromOre(ore: bigint): Money {
  const negative = ore < 0n;
  const abs = negative ? -ore : ore;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${(abs / 100n).toString()}.${frac}`;
}

/** An amount, short and without its unit: "200", "1 000", "12,50". */
export function shortAmount(value: Money): string {
  const parts = splitDecimal(value);
  if (!parts) return value;
  const int = `${parts.negative ? '-' : ''}${groupThousands(parts.int)}`;
  const frac = parts.frac.padEnd(2, '0');
  return /^0*$/.test(frac) ? int : `${int},${frac}`;
}

/** An amount for a limit, short: "200 kr", "1 000 kr", "12,50 kr". */
export function shortMoney(value: Money): string {
  return `${shortAmount(value)}${NBSP}kr`;
}

/** A method's limits in words: "upp till 200 kr", "från 50 kr", "50–200 kr"; '' for none. */
export function limitsText(limits: Limits, lang: Lang): string {
  const { min, max } = limits;
  if (min !== null && max !== null) return translate(lang, 'payLimitRange', { min: shortAmount(min), max: shortMoney(max) });
  if (max !== null) return translate(lang, 'payLimitMax', { max: shortMoney(max) });
  if (min !== null) return translate(lang, 'payLimitMin', { min: shortMoney(min) });
  return '';
}

/** The share of `cap` that `exposure` takes, in whole percent (0–100), for a meter. */
export function exposurePercent(exposure: Money, cap: Money): number {
  const used = toOre(exposure) ?? 0n;
  const whole = toOre(cap) ?? 0n;
  if (whole <= 0n) return used > 0n ? 100 : 0;
  const percent = (used * 100n) / whole;
  return Number(percent < 0n ? 0n : percent > 100n ? 100n : percent);
}

/** How long a payment has waited: "45 min", "2 h 5 min", "3 h". */
export function ageText(minutes: number, lang: Lang): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return translate(lang, 'payAgeMinutes', { minutes: whole });
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? translate(lang, 'payAgeHours', { hours }) : translate(lang, 'payAgeHoursMinutes', { hours, minutes: rest });
}

// ------------------------------------------------------------------------ who and why

/** Who decided a state or a change: the manager, the system (under a rule), or nobody (default). */
export function setByText(entry: { set_by: { name: string } | null; rule: FallbackRule | null }, lang: Lang): string {
  if (entry.set_by) return entry.set_by.name;
  if (entry.rule) return translate(lang, 'paySystemAutomatic');
  return translate(lang, 'payDefault');
}

/** A state switched by the system under a fallback rule (not a manager, not the default). */
export function isSystem(entry: { set_by: unknown; rule: FallbackRule | null }): boolean {
  return entry.set_by === null && entry.rule !== null;
}

/** The registers a state applies to: "Alla kassor" or "KASSA-1, KASSA-2". */
export function registersText(registers: string[] | null, lang: Lang): string {
  return registers === null || registers.length === 0 ? translate(lang, 'payAllRegisters') : registers.join(', ');
}

/** A change in words: "Swish: begränsat, upp till 200 kr". */
export function describePaymentChange(change: PaymentChange, lang: Lang): string {
  const limits = change.availability === 'limited' ? limitsText(change.limits, lang) : '';
  const state = availabilityName(change.availability, lang).toLowerCase();
  return `${methodName(change.method, lang)}: ${state}${limits ? `, ${limits}` : ''}`;
}

// ------------------------------------------------------------------- the payment panel

/** What one of the panel's methods may do now, and the words shown next to its button. */
export type TenderState = {
  available: boolean;
  /** Why not, the limits, or the card going offline; '' when there is nothing to say. */
  note: string;
};

const TENDER_METHOD: Record<Exclude<TenderMethod, 'card'>, PaymentMethod> = {
  cash: 'cash',
  swish: 'swish',
  voucher: 'gift_voucher',
};

function notTaken(state: MethodState | undefined, lang: Lang): string {
  const reason = state?.reason?.trim();
  return reason ? translate(lang, 'payNotTakenReason', { reason }) : translate(lang, 'payNotTaken');
}

/**
 * The most a card may take offline now: the per-payment cap less what this sale already took
 * offline (`onSale`: the backend counts a sale's offline payments together against it), the
 * room left under the store's cap, the method's max. `by` says which of them is the smallest.
 */
function offlineMax(
  inForce: InForce,
  offline: MethodState,
  onSale: bigint,
): { max: bigint; by: 'per_payment' | 'total' | 'limit' } | null {
  const perPayment = toOre(inForce.caps.per_payment);
  const total = toOre(inForce.caps.total_exposure);
  const exposure = toOre(inForce.exposure) ?? 0n;
  const candidates: { max: bigint; by: 'per_payment' | 'total' | 'limit' }[] = [];
  if (total !== null) candidates.push({ max: total - exposure, by: 'total' });
  if (perPayment !== null) candidates.push({ max: perPayment - onSale, by: 'per_payment' });
  if (offline.availability === 'limited' && offline.limits.max !== null) {
    const max = toOre(offline.limits.max);
    if (max !== null) candidates.push({ max, by: 'limit' });
  }
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (b.max < a.max ? b : a));
}

/**
 * What a sale's tenders already took by card offline, in öre (the backend's `on_sale`): its
 * offline card payments count together against the per-payment cap.
 */
export function offlineOnSale(tenders: readonly Tender[]): bigint {
  return tenders.reduce((sum, tender) => (tender.method === 'card' && tender.offline ? sum + (toOre(tender.amount) ?? 0n) : sum), 0n);
}

/**
 * Whether the panel's `tender` button may be used now and what to say next to it. Without a
 * status (not loaded, or a training sale, which the backend does not check) everything is
 * offered: the backend checks each tender anyway. A card payment of unknown outcome is always
 * answerable (pressing Card asks the terminal). `onSale`: what this sale already took by card
 * offline (`offlineOnSale`), which the per-payment cap for offline card counts too.
 */
export function tenderState(
  status: PaymentsStatus | null,
  tender: TenderMethod,
  lang: Lang,
  cardUnknown = false,
  onSale: bigint = 0n,
): TenderState {
  if (!status) return { available: true, note: '' };
  const inForce = status.in_force;
  if (tender !== 'card') {
    const state = stateOf(inForce, TENDER_METHOD[tender]);
    if (!state || state.availability === 'enabled') return { available: true, note: '' };
    if (state.availability === 'disabled') return { available: false, note: notTaken(state, lang) };
    return { available: true, note: limitsText(state.limits, lang) };
  }
  if (cardUnknown) return { available: true, note: '' };
  const online = stateOf(inForce, 'card_online');
  const offline = stateOf(inForce, 'card_offline');
  if (!online || online.availability === 'enabled') return { available: true, note: '' };
  if (online.availability === 'limited') return { available: true, note: limitsText(online.limits, lang) };
  // Online is off: the card goes offline, if that is on and there is room under the caps.
  if (!offline || offline.availability === 'disabled') {
    return { available: false, note: notTaken(online.reason ? online : offline, lang) };
  }
  const room = offlineMax(inForce, offline, onSale);
  if (room !== null && room.max <= 0n) {
    const note =
      room.by === 'per_payment'
        ? translate(lang, 'payOfflineSaleCapReached', { taken: shortMoney(fromOre(onSale)), cap: shortMoney(inForce.caps.per_payment) })
        : translate(lang, 'payOfflineCapReached', {
            exposure: shortMoney(inForce.exposure),
            cap: shortMoney(inForce.caps.total_exposure),
          });
    return { available: false, note };
  }
  const min = offline.availability === 'limited' ? offline.limits.min : null;
  const limits = limitsText({ min, max: room === null ? null : fromOre(room.max) }, lang);
  return { available: true, note: limits ? translate(lang, 'payCardOffline', { limits }) : translate(lang, 'payCardOfflineOnly') };
}

/** The refusal a shortcut for an unavailable method shows, in both languages. */
export function tenderRefusal(
  status: PaymentsStatus | null,
  tender: TenderMethod,
  cardUnknown = false,
  onSale: bigint = 0n,
): { message: string; message_sv: string } {
  const key: Record<TenderMethod, MessageKey> = { cash: 'methodCash', card: 'methodCard', swish: 'methodSwish', voucher: 'methodVoucher' };
  const words = (lang: Lang) =>
    translate(lang, 'payMethodNotNow', {
      method: translate(lang, key[tender]),
      why: tenderState(status, tender, lang, cardUnknown, onSale).note,
    });
  return { message: words('en'), message_sv: words('sv') };
}

// ------------------------------------------------------------------- the manager's forms

/** The set-method form as typed. */
export type MethodForm = {
  method: PaymentMethod;
  availability: Availability;
  min: string;
  max: string;
  /** "21:00", "2026-12-01T08:00" or empty (until changed). */
  until: string;
  /** Register ids separated by commas; empty: every register. */
  registers: string;
};

function blankToNull(value: string): string | null {
  const text = value.trim();
  return text === '' ? null : text;
}

/** "KASSA-1, KASSA-2" → ["KASSA-1", "KASSA-2"]; empty → null (every register). */
export function registersList(text: string): string[] | null {
  const list = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return list.length === 0 ? null : list;
}

/** What the form sends: limits only when limited, empty fields as none. */
export function setMethodRequest(form: MethodForm): SetMethod {
  const limited = form.availability === 'limited';
  return {
    method: form.method,
    availability: form.availability,
    min: limited ? blankToNull(form.min) : null,
    max: limited ? blankToNull(form.max) : null,
    until: blankToNull(form.until),
    registers: registersList(form.registers),
  };
}

/** One method switched off or on again everywhere, until changed (the crisis presets). */
export function switchRequest(method: PaymentMethod, availability: Availability): SetMethod {
  return { method, availability, min: null, max: null, until: null, registers: null };
}

/** A decimal from the backend as the manager would type it: "200.00" → "200", "12.50" → "12,50". */
export function moneyInput(value: Money | null): string {
  if (value === null) return '';
  const parts = splitDecimal(value);
  if (!parts) return value;
  const sign = parts.negative ? '-' : '';
  return /^0*$/.test(parts.frac) ? `${sign}${parts.int}` : `${sign}${parts.int},${parts.frac.padEnd(2, '0')}`;
}

/** The form filled from the state in force (the "until" is asked anew). */
export function methodForm(state: MethodState): MethodForm {
  return {
    method: state.method,
    availability: state.availability,
    min: moneyInput(state.limits.min),
    max: moneyInput(state.limits.max),
    until: '',
    registers: state.registers?.join(', ') ?? '',
  };
}

/** The fallback rules as sent: the ones ticked, in the order they are listed. */
export function rulesRequest(on: Partial<Record<RuleKind, boolean>>): FallbackRule[] {
  return RULES.filter((rule) => on[rule.kind]).map((rule) => ({ kind: rule.kind }) as FallbackRule);
}

/** The till's status from a manager's view (what the banner and the panel need). */
export function statusOfView(view: PaymentsView): PaymentsStatus {
  return {
    in_force: view.in_force,
    acceptance: view.acceptance,
    health: view.health,
    overdue_offline: view.offline.overdue,
  };
}

/** A link's health with one of its two signals changed. */
export function withHealth(health: LinkHealth, link: keyof LinkHealth, reachable: boolean): LinkHealth {
  return { ...health, [link]: reachable };
}
