// Generated from the Rust types by `make bindings` (src-tauri/src/bindings.rs).
// Do not edit by hand: a test fails when this file and the Rust types differ.
// Money and decimals are strings ("12.50"): never do arithmetic on them as numbers.

export type Money = string;

export type OrgNumber = string;

export type VatCategory = "food" | "standard" | "books_press" | "restaurant";

export type SoldBy = "each" | "weight" | "label_price";

export type StaffRef = { id: number, name: string, };

export type DiscountKind = "percent" | "amount";

export type Discount = { kind: DiscountKind, 
/**
 * Percent (e.g. `"10"`) or kronor (e.g. `"5.00"`).
 */
value: string, reason: string, 
/**
 * Who allowed a discount above the cashier's limit (set by the till, never by the UI).
 */
approved_by?: StaffRef, };

export type CatalogItem = { id: number, code: string | null, plu: string | null, name: string, price: Money, sold_by: SoldBy, vat_category: VatCategory, };

export type CartLine = { product_id: number, 
/**
 * The code as scanned (for variable-measure items, the label with its value), or the PLU.
 */
code: string, name: string, sold_by: SoldBy, 
/**
 * Pieces, or kilograms with up to three decimals.
 */
quantity: string, 
/**
 * Per piece or per kilogram.
 */
unit_price: Money, 
/**
 * Quantity × unit price, before discounts.
 */
line_total: Money, vat_category: VatCategory, discount: Discount | null, };

export type PricedLine = { vat_percent: string, 
/**
 * The line's own discount.
 */
discount_amount: Money, 
/**
 * This line's part of the discount on the whole sale (for VAT per rate).
 */
sale_discount_share: Money, product_id: number, 
/**
 * The code as scanned (for variable-measure items, the label with its value), or the PLU.
 */
code: string, name: string, sold_by: SoldBy, 
/**
 * Pieces, or kilograms with up to three decimals.
 */
quantity: string, 
/**
 * Per piece or per kilogram.
 */
unit_price: Money, 
/**
 * Quantity × unit price, before discounts.
 */
line_total: Money, vat_category: VatCategory, discount: Discount | null, };

export type VatLine = { rate_percent: string, gross: Money, vat: Money, net: Money, };

export type TenderMethod = "cash" | "card" | "swish" | "voucher";

export type Tender = { method: TenderMethod, amount: Money, tendered: Money, change: Money, reference: string | null, offline: boolean, };

export type ClockTime = string;

export type Interval = { opens: ClockTime, closes: ClockTime, };

export type DayHours = string;

export type Week = { monday: DayHours, tuesday: DayHours, wednesday: DayHours, thursday: DayHours, friday: DayHours, saturday: DayHours, sunday: DayHours, };

export type SpecialDay = "nyarsdagen" | "trettondedag_jul" | "langfredagen" | "paskafton" | "paskdagen" | "annandag_pask" | "forsta_maj" | "kristi_himmelsfard" | "nationaldagen" | "pingstdagen" | "midsommarafton" | "midsommardagen" | "alla_helgons_dag" | "julafton" | "juldagen" | "annandag_jul" | "nyarsafton";

export type SpecialDayHours = { day: SpecialDay, hours: DayHours, };

export type OpeningHours = { week: Week, special_days: Array<SpecialDayHours>, 
/**
 * Minutes after closing during which a sale may still start without a manager's approval
 * (customers already inside).
 */
grace_minutes: number, };

export type ChangeRule = { "kind": "temporary", starts: string, ends: string | null, hours: DayHours, } | { "kind": "override", open: boolean, from: string, until: string | null, };

export type Ended = { at: string, by: StaffRef, reason: string, };

export type HoursChange = { id: number, rule: ChangeRule, 
/**
 * Why (audited, and shown as the reason for the hours).
 */
reason: string, made_by: StaffRef, made_at: string, ended: Ended | null, };

export type Decided = { "kind": "weekly", weekday: string, } | { "kind": "special_day", day: SpecialDay, } | { "kind": "temporary", id: number, reason: string, } | { "kind": "override", id: number, open: boolean, reason: string, };

export type OutsideHours = { at: string, 
/**
 * The state then, e.g. "Stängt – öppnar i morgon 08:00".
 */
state: string, decided: Decided, 
/**
 * The approving manager (a manager selling approves their own sale). Absent only when
 * the store's approval setting lets cashiers sell outside hours.
 */
approved_by: StaffRef | null, };

export type HoursStatus = { at: string, open: boolean, 
/**
 * What decided the state now.
 */
decided: Decided, 
/**
 * When the state began (absent if before yesterday).
 */
since: string | null, 
/**
 * When it next changes (absent if not within the coming week: closed or open until
 * further notice).
 */
next_change: string | null, 
/**
 * Whole minutes until `next_change`, rounded up.
 */
minutes_to_change: number | null, 
/**
 * Within the grace after closing: a sale may still start without approval.
 */
in_grace: boolean, 
/**
 * The next moment anything here changes other than the minutes counting down: a change
 * of state, of the rule that decides, or the end of the grace.
 */
refresh_at: string | null, 
/**
 * "Öppet – stänger 21:00 (om 25 min)" and its English twin.
 */
summary_sv: string, summary_en: string, 
/**
 * Why: `decided` in words ("Särskild dag: Julafton").
 */
reason_sv: string, reason_en: string, };

export type DayPlan = { date: string, weekday_sv: string, weekday_en: string, 
/**
 * Open intervals by the clock; a night opening shows as ending 24:00 and starting 00:00.
 */
intervals: Array<Interval>, hours_sv: string, hours_en: string, special_day: SpecialDay | null, 
/**
 * The rules that shaped the day, base rule first.
 */
decided: Array<Decided>, 
/**
 * The same in words.
 */
reasons_sv: Array<string>, reasons_en: Array<string>, };

export type Notice = { sv: string, en: string, };

export type FeedHttp = { enabled: boolean, 
/**
 * `127.0.0.1:8787`, or e.g. `0.0.0.0:8787` for the store's LAN.
 */
bind: string, };

export type SpecialDayDate = { day: SpecialDay, name_sv: string, name_en: string, 
/**
 * The next time it falls, today included.
 */
date: string, };

export type SpecialDayForm = { day: SpecialDay, hours: string, };

export type OpeningHoursForm = { 
/**
 * Monday first, seven entries: "08-21", "8-12, 13-20", "stängt".
 */
week: Array<string>, 
/**
 * Special days with their own hours; a day left out keeps the week's hours.
 */
special_days: Array<SpecialDayForm>, grace_minutes: number, };

export type ChangeRequest = { "kind": "temporary", starts: string, ends: string | null, hours: string, } | { "kind": "override", open: boolean, until: string | null, };

export type HoursView = { status: HoursStatus, 
/**
 * Today and the six days after, every rule applied.
 */
week: Array<DayPlan>, 
/**
 * A manager has set the hours; until then the store counts as open around the clock.
 */
configured: boolean, standing: OpeningHours, 
/**
 * The same as the editor shows it.
 */
form: OpeningHoursForm, 
/**
 * Changes in force now or ahead, oldest first.
 */
changes: Array<HoursChange>, notice: Notice, feed_http: FeedHttp, 
/**
 * Where the endpoint listens now (`None`: it does not).
 */
feed_listening: string | null, 
/**
 * The special days by their next date, for the editor.
 */
calendar: Array<SpecialDayDate>, 
/**
 * Where the feed and the door sign are written.
 */
public_dir: string, 
/**
 * Why the last write of those files failed, if it did.
 */
publish_problem: string | null, };

export type FeedStore = { name: string, address: string, };

export type FeedNow = { open: boolean, summary_sv: string, summary_en: string, next_change: string | null, };

export type FeedSpecialDay = { id: SpecialDay, sv: string, en: string, };

export type FeedDay = { date: string, weekday_sv: string, weekday_en: string, 
/**
 * Open intervals by the store's clock; empty when closed all day.
 */
open: Array<Interval>, hours_sv: string, hours_en: string, special_day: FeedSpecialDay | null, 
/**
 * The hours differ from the usual for this day (a temporary change or a manager's
 * open-now / close-now).
 */
changed: boolean, };

export type HoursFeed = { format: string, generated_at: string, time_zone: string, store: FeedStore, now: FeedNow, notice: Notice | null, days: Array<FeedDay>, };

export type PaymentMethod = "cash" | "card_online" | "card_offline" | "swish" | "scan_and_pay" | "gift_voucher";

export type Availability = "enabled" | "limited" | "disabled";

export type Limits = { min: Money | null, max: Money | null, };

export type OfflineCaps = { per_payment: Money, 
/**
 * Unforwarded offline payments in all, across the store.
 */
total_exposure: Money, 
/**
 * Unforwarded longer than this, a payment is flagged.
 */
forward_within_hours: number, };

export type Refusal = { "kind": "disabled", method: PaymentMethod, } | { "kind": "below_min", method: PaymentMethod, min: Money, } | { "kind": "above_max", method: PaymentMethod, max: Money, } | { "kind": "offline_cap", cap: Money, } | { "kind": "exposure_cap", cap: Money, exposure: Money, };

export type FallbackRule = { "kind": "card_offline_when_acquirer_down" } | { "kind": "disable_card_at_exposure_cap" } | { "kind": "hide_swish_when_down" };

export type MethodState = { method: PaymentMethod, availability: Availability, limits: Limits, 
/**
 * The manager's reason, or the rule's.
 */
reason: string | null, 
/**
 * The manager who set it; `None` with a `rule` is the system, with neither the default.
 */
set_by: StaffRef | null, rule: FallbackRule | null, 
/**
 * The change that decided it (`None`: the default, enabled).
 */
change_id: number | null, since: string | null, until: string | null, 
/**
 * The registers it applies to; `None`: every register.
 */
registers: Array<string> | null, };

export type InForce = { 
/**
 * One per method, in [`PaymentMethod::ALL`] order.
 */
methods: Array<MethodState>, caps: OfflineCaps, 
/**
 * Offline card payments not yet forwarded, across the store.
 */
exposure: Money, };

export type CustomerMethod = { 
/**
 * `CardOnline` stands for card, however it is taken.
 */
method: PaymentMethod, min: Money | null, max: Money | null, sv: string, en: string, };

export type Acceptance = { taken: Array<CustomerMethod>, not_taken: Array<CustomerMethod>, 
/**
 * Every method is taken.
 */
all_taken: boolean, 
/**
 * A method is not taken, or taken only within limits: customers need telling (the banner).
 */
restricted: boolean, 
/**
 * "I dag tar vi: kontanter, Swish, Scan & Pay — inte kort"
 */
sv: string, 
/**
 * "Today we take: cash, Swish, Scan & Pay — not cards"
 */
en: string, };

export type LinkHealth = { acquirer_reachable: boolean, swish_reachable: boolean, };

export type PaymentChange = { id: number, method: PaymentMethod, availability: Availability, limits: Limits, reason: string, 
/**
 * `None`: the system, under `rule`.
 */
set_by: StaffRef | null, rule: FallbackRule | null, starts_at: string, until: string | null, registers: Array<string> | null, ended: PaymentChangeEnded | null, };

export type PaymentChangeEnded = { at: string, 
/**
 * `None`: the system (the rule's condition cleared).
 */
by: string | null, reason: string, };

export type SetMethod = { method: PaymentMethod, availability: Availability, min: string | null, max: string | null, 
/**
 * "HH:MM" (the next time the clock shows it) or "YYYY-MM-DDTHH:MM"; none: until changed.
 */
until: string | null, 
/**
 * Register ids; none or empty: every register.
 */
registers: Array<string> | null, };

export type CapsForm = { per_payment: string, total_exposure: string, forward_within_hours: number, };

export type OfflinePayment = { authorization: string, register_id: string, 
/**
 * `None` while its sale is still open.
 */
receipt_no: number | null, amount: Money, taken_at: string, 
/**
 * Minutes since it was taken.
 */
age_minutes: number, 
/**
 * Not forwarded within the caps' time limit: needs looking at.
 */
overdue: boolean, status: string, settled_at: string | null, detail: string | null, };

export type OfflineReport = { caps: OfflineCaps, pending: Array<OfflinePayment>, pending_total: Money, overdue: number, 
/**
 * Minutes the oldest unforwarded payment has waited.
 */
oldest_minutes: number | null, declined: Array<OfflinePayment>, declined_total: Money, forwarded: number, forwarded_total: Money, };

export type PaymentsView = { register_id: string, in_force: InForce, acceptance: Acceptance, 
/**
 * Changes in force now or ahead (manual and automatic), oldest first.
 */
changes: Array<PaymentChange>, 
/**
 * The system's latest switches, in force or ended, newest first.
 */
automatic: Array<PaymentChange>, rules: Array<FallbackRule>, health: LinkHealth, offline: OfflineReport, public_dir: string, };

export type PaymentsStatus = { in_force: InForce, acceptance: Acceptance, health: LinkHealth, 
/**
 * Unforwarded offline card payments older than the caps allow.
 */
overdue_offline: number, };

export type PurchaseLine = { 
/**
 * The item's code (EAN/PLU), if it has one.
 */
code: string | null, name: string, 
/**
 * Pieces or kilograms, as a decimal string ("2", "0.425").
 */
quantity: string, unit_price: Money, 
/**
 * The VAT rate in percent: 25, 12, 6 or 0.
 */
vat_rate: string, 
/**
 * `quantity × unit_price`, rounded to whole öre.
 */
line_total: Money, };

export type AppPayment = { 
/**
 * "card", "swish" or what the app service calls it.
 */
provider: string, 
/**
 * The provider's reference for the payment.
 */
reference: string, };

export type Purchase = { 
/**
 * The app's id for the purchase: 1–64 of A–Z a–z 0–9 - _ .
 */
id: string, completed_at: string, 
/**
 * The receipt number the app gave the customer.
 */
app_receipt: string, lines: Array<PurchaseLine>, total: Money, payment: AppPayment, };

export type ExitResult = "ok" | "discrepancy";

export type ExitCheck = { id: number, result: ExitResult, note: string | null, by: StaffRef, at: string, };

export type Source = "file" | "endpoint";

export type ReceivedPurchase = { purchase: Purchase, received_at: string, source: Source, 
/**
 * Every check made, oldest first; the last one stands.
 */
checks: Array<ExitCheck>, };

export type ScanAndPayDay = { date: string, purchases: Array<ReceivedPurchase>, total: Money, unchecked: number, discrepancies: number, 
/**
 * A token for the endpoint is set (the endpoint answers POSTs).
 */
endpoint_enabled: boolean, };

export type ReceiveReport = { 
/**
 * New purchases recorded.
 */
received: number, 
/**
 * Purchases this store already had, identical: skipped (a resend is harmless).
 */
already_had: number, 
/**
 * With any error, nothing was recorded.
 */
errors: Array<RowError>, };

export type CustomerView = { store_name: string, acceptance: Acceptance, hours: HoursStatus, notice: Notice, };

export type PricedCart = { lines: Array<PricedLine>, 
/**
 * The lines before any discount.
 */
subtotal: Money, line_discounts: Money, sale_discount: Discount | null, sale_discount_amount: Money, 
/**
 * What the sale costs: subtotal − discounts.
 */
total: Money, vat: Array<VatLine>, 
/**
 * Payments taken so far on this sale.
 */
tenders: Array<Tender>, paid: Money, 
/**
 * What is left to pay by card, Swish or voucher (to the öre).
 */
remaining: Money, 
/**
 * What to take if the customer pays the rest in cash, and the rounding that implies.
 */
cash_total: Money, cash_rounding: Money, 
/**
 * Started while the store was closed, with a manager's approval.
 */
outside_hours: OutsideHours | null, };

export type SwishView = { amount: Money, 
/**
 * An SVG image of the QR code to show the customer.
 */
qr_svg: string, };

export type SaleView = { cart: PricedCart, 
/**
 * A Swish payment waiting for the customer.
 */
swish: SwishView | null, 
/**
 * A card payment whose outcome is not known yet: press Card to ask the terminal.
 */
card_unknown: boolean, 
/**
 * Sales parked on this register.
 */
parked: number, };

export type ParkedSale = { id: number, parked_at: string, parked_by: string, total: Money, lines: number, };

export type ReceiptLine = { name: string, 
/**
 * e.g. `2 st à 18,95` or `1,234 kg à 29,90/kg`; empty for a single piece.
 */
detail: string, amount: Money, };

export type ReceiptPayment = { label: string, amount: Money, tendered: Money, change: Money, 
/**
 * Card authorisation, Swish payment id or voucher code.
 */
reference: string | null, };

export type Receipt = { company_name: string, org_number: string, address: string, register_id: string, receipt_no: number, 
/**
 * Local time of the store, `YYYY-MM-DD HH:MM:SS`.
 */
date_time: string, lines: Array<ReceiptLine>, total: Money, rounding: Money, vat: Array<VatLine>, vat_total: Money, payments: Array<ReceiptPayment>, 
/**
 * How the receipt stands with the control unit: its number and code, or not registered.
 */
control: Control | null, 
/**
 * Who served the customer.
 */
cashier: string, kind: ReceiptKind, 
/**
 * The one copy ("KOPIA").
 */
copy: boolean, 
/**
 * Handed over as a file, not on paper (field 13).
 */
electronic: boolean, 
/**
 * For a return: the receipt it returns against.
 */
original_receipt_no: number | null, };

export type PayOutcome = { "status": "paid", receipt: Receipt, 
/**
 * How the receipt reached the customer (absent when nothing was tried).
 */
delivery?: Delivery, } | { "status": "open", sale: SaleView, };

export type Delivery = { printed: boolean, 
/**
 * The electronic receipt's PDF, for an e-receipt.
 */
file: string | null, 
/**
 * What went wrong, in English and Swedish.
 */
problem: string | null, problem_sv: string | null, };

export type ReceiptKind = "sale" | "return" | "training" | "pro_forma";

export type Control = { "status": "registered", unit: string, code: string, } | { "status": "not_registered", outage: number, };

export type ControlUnitPolicy = "stop" | "continue";

export type ControlUnitSetting = { policy: ControlUnitPolicy, decided_by: StaffRef | null, decided_at: string | null, reason: string | null, };

export type Outage = { start_seq: number, end_seq: number | null, started_at: string, ended_at: string | null, receipts: number[], 
/**
 * Copies, training and pro forma receipts issued meanwhile, e.g. `kopia 12`.
 */
others: Array<string>, decided_by: string | null, reason: string | null, };

export type ShiftState = { shift_no: number, cashier: StaffRef, opened_at: string, float: Money, cash_sales: Money, paid_in: Money, paid_out: Money, expected: Money, drawer_openings: number, receipts: number, };

export type ShiftClosed = { register_id: string, shift_no: number, at: string, 
/**
 * Who counted.
 */
cashier: StaffRef, float: Money, 
/**
 * Cash taken in sales less cash given back in returns.
 */
cash_sales: Money, paid_in: Money, paid_out: Money, 
/**
 * float + cash sales + paid in − paid out.
 */
expected: Money, counted: Money, 
/**
 * counted − expected: negative is a shortage.
 */
difference: Money, drawer_openings: number, receipts: number, };

export type MovementKind = "paid_in" | "paid_out";

export type TillState = { training: boolean, 
/**
 * The next receipt goes out as a file.
 */
electronic: boolean, shift: ShiftState | null, control_unit: ControlUnitSetting, 
/**
 * The control unit's manufacturing number.
 */
control_unit_number: string, 
/**
 * The control unit is down and the store sells on (an outage is open).
 */
control_unit_outage: boolean, 
/**
 * The simulated control unit is set to fail (demo only).
 */
control_unit_simulated_failing: boolean | null, 
/**
 * A return against this receipt is unfinished (refunds made or asked for, not yet
 * registered): Return with the same receipt and lines finishes it.
 */
pending_return: number | null, };

export type Returnable = { line: number, name: string, sold_by: SoldBy, sold: string, returned: string, left: string, 
/**
 * What the line cost after its discounts.
 */
net: Money, 
/**
 * What returning all that is left refunds.
 */
refund_left: Money, };

export type ReturnRequest = { line: number, quantity: string, };

export type ReturnPlan = { receipt: Receipt, lines: Array<Returnable>, 
/**
 * Receipts of earlier returns against it.
 */
earlier: number[], };

export type CashInstead = { method: TenderMethod, amount: Money, 
/**
 * What the terminal or Swish answered (their words).
 */
reason: string, };

export type ReturnOutcome = { receipt: Receipt, delivery: Delivery, to_cash_instead: Array<CashInstead>, };

export type CopyOutput = "paper" | "file";

export type VatSum = { gross: Money, vat: Money, };

export type Tally = { 
/**
 * Sales receipts.
 */
receipts: number, 
/**
 * Sales, VAT included, after discounts, before cash rounding.
 */
sales: Money, 
/**
 * Sales per main group (the VAT category of the goods).
 */
groups: { [key in string]: Money }, 
/**
 * Sales less returns per VAT rate (key: the rate in percent).
 */
vat: { [key in string]: VatSum }, goods: number, services: number, 
/**
 * What each payment method took in sales.
 */
methods: { [key in string]: Money }, returns: number, returns_amount: Money, 
/**
 * What each method gave back in returns.
 */
refunds: { [key in string]: Money }, discounts: Money, 
/**
 * Cash rounding (öresavrundning) of sales and returns: the "other reductions".
 */
rounding: Money, copies: number, copies_amount: Money, training: number, training_amount: Money, pro_forma: number, pro_forma_amount: Money, 
/**
 * Every time the drawer opened: cash sales and returns, paid in and out, and no-sale.
 */
drawer_openings: number, 
/**
 * Of which without a sale.
 */
no_sale_openings: number, 
/**
 * Purchases paid in the Scan & Pay app (receipted by the app, not in `sales`).
 */
scan_and_pay: number, scan_and_pay_amount: Money, 
/**
 * Sales given up before payment.
 */
unfinished: number, unfinished_amount: Money, 
/**
 * Lines taken off sales in progress.
 */
voids: number, voids_amount: Money, 
/**
 * Opening floats of the shifts.
 */
floats: Money, paid_in: Money, paid_out: Money, 
/**
 * Cash into the drawer from sales less cash out in returns.
 */
cash: Money, first_receipt: number | null, last_receipt: number | null, };

export type GrandTotals = { sales: Money, returns: Money, net: Money, };

export type ReportKind = "x" | "z";

export type DayReport = { kind: ReportKind, 
/**
 * The Z number (1, 2, 3… per register); for an X, the number the next Z will get.
 */
number: number, company_name: string, org_number: string, register_id: string, 
/**
 * When it was taken, local time `YYYY-MM-DD HH:MM:SS`.
 */
printed_at: string, 
/**
 * The journal entries it covers: after the last Z, up to and including `to_seq`.
 */
from_seq: number, to_seq: number, tally: Tally, grand: GrandTotals, by: StaffRef, };

export type ReportView = { report: DayReport, text: string, };

export type ZSummary = { number: number, business_date: string, grand: GrandTotals, };

export type JournalCheck = { entries: number, receipts: number, reports: number, grand: GrandTotals, problem: string | null, };

export type SimCard = "approve" | "decline" | "timeout" | "timeout_after_charge" | "approve_offline" | "unreachable";

export type SimSwish = "pay" | "decline" | "error" | "unreachable";

export type RowError = { 
/**
 * The line in a CSV file (the header is line 1) or the item number in a JSON file.
 */
row: number, column: string | null, message: string, message_sv: string, };

export type ImportReport = { applied: boolean, rows: number, added: number, changed: number, unchanged: number, 
/**
 * Every bad row (capped at [`MAX_REPORTED_ERRORS`]; `error_count` has them all).
 */
errors: Array<RowError>, error_count: number, 
/**
 * The journal entry that records the changes.
 */
journal_seq: number | null, };

export type StoreIdentity = { company_name: string, org_number: OrgNumber, 
/**
 * Address of the point of sale (receipt field 2).
 */
address: string, 
/**
 * The register designation (kassabeteckning), e.g. `KASSA-01`.
 */
register_id: string, };

export type DemoItem = { code: string, name: string, price: Money, sold_by: SoldBy, };

export type StoreStatus = { identity: StoreIdentity | null, demo: boolean, 
/**
 * A few codes to type in the demo (empty outside demo mode).
 */
demo_items: Array<DemoItem>, 
/**
 * Active staff, for the lock screen.
 */
staff: Array<StaffMember>, 
/**
 * Nobody exists yet: the first run asks for the first manager.
 */
needs_first_manager: boolean, 
/**
 * The demo staff and their PINs; empty outside demo mode.
 */
demo_staff: Array<DemoStaff>, 
/**
 * Who is logged in on this till ([`Till::status`] fills it in).
 */
session: SessionInfo | null, 
/**
 * The card terminal, Swish, scale and drawer are simulators (the UI says so).
 */
simulated_devices: boolean, };

export type Role = "manager" | "cashier" | "kiosk";

export type Action = "sell" | "void_line" | "discount_over_limit" | "return" | "open_drawer" | "sell_outside_hours" | "manage_staff" | "view_audit" | "change_controls" | "view_status" | "abandon_sale" | "manage_catalog" | "resolve_payment";

export type ApprovalPolicy = { 
/**
 * Steps that need a manager's approval when a cashier takes them.
 */
needs_approval: Array<Action>, 
/**
 * A cashier may give discounts up to this percent of what they apply to without approval;
 * above it the discount is `discount_over_limit`.
 */
discount_limit_percent: string, };

export type StaffMember = { id: number, name: string, role: Role, active: boolean, };

export type DemoStaff = { name: string, role: Role, pin: string, };

export type SessionInfo = { staff: StaffMember, idle_logout_seconds: number, };

export type Approval = { manager_id: number, pin: string, };

export type Actor = { id: number, name: string, role: Role, };

export type Outcome = "done" | "refused";

export type AuditRecord = { 
/**
 * RFC 3339, UTC.
 */
at: string, 
/**
 * `None` for the system itself (first run, automatic actions).
 */
actor: Actor | null, 
/**
 * e.g. `staff.create`, `login.failed`, `approval.granted`.
 */
action: string, 
/**
 * What it was done to, e.g. `staff 3 (Erik Berg)`.
 */
subject: string, old_value: string | null, new_value: string | null, reason: string | null, outcome: Outcome, approved_by: Actor | null, };

export type AuditEntry = { seq: number, 
/**
 * RFC 3339, UTC.
 */
at: string, 
/**
 * `None` for the system itself (first run, automatic actions).
 */
actor: Actor | null, 
/**
 * e.g. `staff.create`, `login.failed`, `approval.granted`.
 */
action: string, 
/**
 * What it was done to, e.g. `staff 3 (Erik Berg)`.
 */
subject: string, old_value: string | null, new_value: string | null, reason: string | null, outcome: Outcome, approved_by: Actor | null, };

export type AuditFilter = { action_prefix: string | null, actor_id: number | null, outcome: Outcome | null, 
/**
 * Newest first, at most this many (default 200).
 */
limit: number | null, };

export type ErrorCode = "invalid_barcode" | "bad_check_digit" | "unknown_product" | "measure_mismatch" | "empty_sale" | "insufficient_cash" | "invalid_amount" | "receipt_not_found" | "store_not_initialized" | "invalid_store_identity" | "database_locked" | "database_corrupt" | "database_too_new" | "storage" | "journal_broken" | "backup" | "not_logged_in" | "wrong_pin" | "locked_out" | "staff_disabled" | "not_allowed" | "needs_approval" | "invalid_input" | "card_declined" | "payment_unknown" | "device_unavailable" | "swish_declined" | "payment_pending" | "voucher_invalid" | "scale_not_ready" | "control_unit_down" | "already_done" | "store_closed" | "method_refused" | "remote_refused" | "internal";

export type ApiError = { code: ErrorCode, 
/**
 * English.
 */
message: string, 
/**
 * Swedish.
 */
message_sv: string, };

export type Dependency = "hq" | "card_acquirer" | "swish" | "scan_and_pay_service" | "price_feed" | "receipt_printer" | "control_unit" | "internet";

export type Level = "green" | "amber" | "red";

export type ProbeSettings = { 
/**
 * Time between the starts of two probes.
 */
interval_ms: number, 
/**
 * A probe with no answer by then has failed.
 */
timeout_ms: number, 
/**
 * Failures in a row that make it red.
 */
fail_after: number, 
/**
 * Successes in a row that make it green again (after amber or red).
 */
recover_after: number, };

export type StoreMode = { "kind": "normal" } | { "kind": "degraded", lost: Array<Dependency>, } | { "kind": "island", lost: Array<Dependency>, };

export type SimHealth = "up" | "down" | "silent";

export type ProbeTarget = { "kind": "off" } | { "kind": "simulated" } | { "kind": "tcp", address: string, } | { "kind": "http", url: string, };

export type HealthSettings = { probe: ProbeSettings, 
/**
 * Each dependency's probe; a dependency left out is not monitored.
 */
targets: { [key in Dependency]?: ProbeTarget }, 
/**
 * Cut remote control at once (island mode) when a remote command fails its signature.
 */
island_on_forgery: boolean, };

export type IslandState = { since: string, 
/**
 * Who switched it on; `None`: the system, by policy.
 */
by: string | null, reason: string, };

export type DependencyStatus = { dependency: Dependency, name_sv: string, name_en: string, level: Level, 
/**
 * When the level last changed (`None`: green since the monitor started).
 */
since: string | null, monitored: boolean, 
/**
 * How it is probed, e.g. `http://hq.example/health`, `simulator`.
 */
probe: string, simulated: boolean, last_failure: string | null, 
/**
 * What losing it means at the till.
 */
impact_sv: string, impact_en: string, 
/**
 * Red in a drill (practice), not for real.
 */
practice: boolean, };

export type ModeView = { mode: StoreMode, 
/**
 * Since the last journaled change (`None`: never changed).
 */
since: string | null, island: IslandState | null, 
/**
 * What the till can and cannot do now, one line each.
 */
meaning_sv: Array<string>, meaning_en: Array<string>, };

export type HqQueue = { waiting: number, oldest: string | null, 
/**
 * Whether the store is connected to HQ (until it is, every registration waits here,
 * safely).
 */
sync_configured: boolean, };

export type IncidentSummary = { id: number, opened_at: string, closed_at: string | null, practice: boolean, 
/**
 * What opened it, in words (Swedish / English).
 */
cause: string, 
/**
 * A drill's simulated failures.
 */
drill: Array<Dependency>, };

export type PinnedKey = { 
/**
 * ed25519 public key, 64 hex digits.
 */
public_key: string, store_id: string, };

export type Received = { at: string, source: string, kind: string | null, counter: number | null, accepted: boolean, 
/**
 * Why it was refused (English; `refusal_sv` in Swedish).
 */
refusal: string | null, refusal_sv: string | null, summary: string | null, };

export type RemoteStatus = { pinned: PinnedKey | null, last_counter: number | null, 
/**
 * Refused in the last 24 hours.
 */
refused_recently: number, 
/**
 * The last few received, newest first.
 */
recent: Array<Received>, };

export type StatusBoard = { mode: ModeView, dependencies: Array<DependencyStatus>, payments: PaymentsStatus, hours: HoursStatus, hq_queue: HqQueue, incident: IncidentSummary | null, drill: IncidentSummary | null, remote: RemoteStatus, settings: HealthSettings, 
/**
 * Worst time from the first failed probe to red, at these settings.
 */
detection_ms: number, };

export type TimelineKind = "auto" | "note" | "decision" | "action";

export type TimelineEntry = { at: string, kind: TimelineKind, 
/**
 * Who (none: the system).
 */
by: string | null, text: string, };

export type Downtime = { dependency: Dependency, name_sv: string, name_en: string, from: string, 
/**
 * `None`: still down.
 */
until: string | null, minutes: number, };

export type MethodSales = { 
/**
 * `cash`, `card`, `swish`, `voucher`, `scan_and_pay`.
 */
method: string, label_sv: string, label_en: string, count: number, amount: Money, };

export type OfflineDuring = { count: number, amount: Money, 
/**
 * Of those, not yet forwarded now.
 */
pending: number, pending_amount: Money, 
/**
 * Of those, declined by the acquirer afterwards.
 */
declined: number, declined_amount: Money, };

export type IncidentReport = { incident: IncidentSummary, 
/**
 * From opening to closing (or to now, while open).
 */
minutes: number, down: Array<Downtime>, timeline: Array<TimelineEntry>, 
/**
 * What each payment method took on the sales receipts (a split sale counts under each
 * method it used), and the Scan & Pay purchases.
 */
sales: Array<MethodSales>, 
/**
 * Sales receipts and Scan & Pay purchases.
 */
receipts: number, 
/**
 * The rows of `sales` added up.
 */
sales_total: Money, 
/**
 * Return receipts during it, and what they refunded (not in the sales above).
 */
returns: number, returns_amount: Money, offline: OfflineDuring, 
/**
 * What is left to put right, one line each (empty: nothing).
 */
to_reconcile_sv: Array<string>, to_reconcile_en: Array<string>, };

export type BackupConfig = { 
/**
 * `storekeep-backup-key-1:<hex>`: the manager's public key.
 */
public_key: string, 
/**
 * The second location: another disk, a USB stick, a network share.
 */
destination: string, 
/**
 * A backup this often (and at every Z report); 0 = only at Z reports and by hand.
 */
every_minutes: number, 
/**
 * How many backups of this register are kept at the destination (at least 1).
 */
keep: number, 
/**
 * Also send each backup, sealed, to HQ (which keeps its newest few and cannot open them).
 */
to_hq: boolean, };

export type BackupRecord = { file: string, created_at: string, reason: string, entries: number, bytes: number, 
/**
 * Read back from the destination and decrypted whole after writing.
 */
verified: boolean, 
/**
 * Why it failed, if it did.
 */
problem: string | null, 
/**
 * Sent to HQ as well (`None`: not asked to).
 */
sent_to_hq: boolean | null, };

export type BackupStatus = { config: BackupConfig | null, 
/**
 * Fingerprint of the public key backups are sealed to.
 */
key_fingerprint: string | null, 
/**
 * The latest backups made here, newest first (failed ones too).
 */
recent: Array<BackupRecord>, 
/**
 * Restored, and not yet caught up from HQ: nothing can be registered until it is.
 */
catch_up_pending: boolean, };

export type Manifest = { format: string, company_name: string, org_number: string, register_id: string, 
/**
 * RFC 3339, UTC.
 */
created_at: string, 
/**
 * Why: "scheduled", "Z report 12", "by hand".
 */
reason: string, schema_version: number, 
/**
 * Each register's last journal entry in the snapshot: (register, seq, hash in hex).
 */
heads: Array<[string, number, string]>, entries: number, database_bytes: number, database_sha256: string, 
/**
 * Fingerprint of the public key it is sealed to.
 */
key_fingerprint: string, 
/**
 * The ephemeral X25519 public key (hex).
 */
ephemeral: string, };

export type FoundBackup = { file: string, manifest: Manifest, };

export type Progress = { 
/**
 * "snapshot", "check", "seal", "read back", "decrypt", "install", "catch up".
 */
stage: string, done: number, total: number, };

export type Restored = { manifest: Manifest, 
/**
 * Where a damaged or replaced database was moved (never deleted).
 */
moved_aside: string | null, };

export type RestoreOutcome = { restored: Restored, 
/**
 * Registrations fetched from HQ after the backup (`None`: HQ not connected or not reached).
 */
caught_up: number | null, 
/**
 * Why HQ could not be asked, when it could not.
 */
catch_up_problem: ApiError | null, entries: number, 
/**
 * The whole journal verified after the restore.
 */
verified: boolean, };
