// Typed wrappers around the Tauri commands of the Rust backend.
// Every rejection is normalised to an ApiError so the UI has one error shape.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type {
  ApiError,
  BackupConfig,
  BackupRecord,
  BackupStatus,
  FoundBackup,
  Progress,
  RestoreOutcome,
  ChangeRequest,
  FeedHttp,
  HoursChange,
  HoursStatus,
  HoursView,
  Notice,
  OpeningHoursForm,
  CustomerView,
  CapsForm,
  ExitResult,
  FallbackRule,
  LinkHealth,
  PaymentsStatus,
  PaymentsView,
  ReceiveReport,
  ScanAndPayDay,
  SetMethod,
  ControlUnitPolicy,
  ControlUnitSetting,
  CopyOutput,
  ReportView,
  Delivery,
  JournalCheck,
  MovementKind,
  Outage,
  ReportKind,
  ReturnOutcome,
  ReturnPlan,
  ReturnRequest,
  ShiftClosed,
  ShiftState,
  TillState,
  ZSummary,
  Approval,
  ApprovalPolicy,
  AuditEntry,
  AuditFilter,
  CatalogItem,
  Discount,
  ErrorCode,
  ImportReport,
  ParkedSale,
  PayOutcome,
  Receipt,
  Role,
  SaleView,
  SessionInfo,
  SimCard,
  SimSwish,
  StaffMember,
  StoreStatus,
} from './bindings';
import type {
  Dependency,
  HealthSettings,
  IncidentReport,
  IncidentSummary,
  PinnedKey,
  Received,
  SimHealth,
  StatusBoard,
} from './bindings';
import { translate } from './i18n';

// A Record, not a list: when Rust adds an ErrorCode, `npm run check` fails until it is here.
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_barcode: true,
  bad_check_digit: true,
  unknown_product: true,
  measure_mismatch: true,
  empty_sale: true,
  insufficient_cash: true,
  invalid_amount: true,
  receipt_not_found: true,
  store_not_initialized: true,
  invalid_store_identity: true,
  database_locked: true,
  database_corrupt: true,
  database_too_new: true,
  storage: true,
  journal_broken: true,
  backup: true,
  internal: true,
  not_logged_in: true,
  wrong_pin: true,
  locked_out: true,
  staff_disabled: true,
  not_allowed: true,
  needs_approval: true,
  invalid_input: true,
  card_declined: true,
  payment_unknown: true,
  device_unavailable: true,
  swish_declined: true,
  payment_pending: true,
  voucher_invalid: true,
  scale_not_ready: true,
  control_unit_down: true,
  already_done: true,
  store_closed: true,
  method_refused: true,
  remote_refused: true,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/**
 * An error that did not come from the backend (or came without its own words): `detail` is the
 * technical text, framed in each language by `key`.
 */
function internal(detail: string, key: 'errInternal' | 'errNoBackend' = 'errInternal'): ApiError {
  return { code: 'internal', message: translate('en', key, { detail }), message_sv: translate('sv', key, { detail }) };
}

/** True when the page runs inside the Tauri webview (IPC bridge present). */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/**
 * Turns whatever a command rejected with into an ApiError.
 * A proper `{code, message, message_sv}` passes through; a plain string, an
 * Error or an object with an unknown code becomes an `internal` error.
 */
export function toApiError(reason: unknown): ApiError {
  if (isApiError(reason)) {
    const sv = typeof reason.message_sv === 'string' && reason.message_sv ? reason.message_sv : reason.message;
    return { code: reason.code, message: reason.message, message_sv: sv };
  }
  if (typeof reason === 'string') return internal(reason);
  if (reason instanceof Error) {
    return reason instanceof TypeError && !inTauri() ? internal(reason.message, 'errNoBackend') : internal(reason.message);
  }
  if (typeof reason === 'object' && reason !== null) {
    const msg = (reason as Record<string, unknown>).message;
    if (typeof msg === 'string') return internal(msg);
    try {
      return internal(JSON.stringify(reason));
    } catch {
      return internal(String(reason));
    }
  }
  return internal(String(reason));
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toApiError(reason);
  }
}

export type Api = {
  storeStatus(): Promise<StoreStatus>;
  login(staffId: number, pin: string): Promise<SessionInfo>;
  logout(): Promise<null>;
  createFirstManager(name: string, pin: string): Promise<SessionInfo>;
  currentCart(): Promise<SaleView>;
  /** `code` is the raw string typed or scanned. */
  scan(code: string): Promise<SaleView>;
  /**
   * `tendered` as typed by the cashier, e.g. "100" or "100,50". Not `partial`: it must cover
   * the rounded rest and completes the sale; `partial`: less is taken as a part payment.
   */
  payCash(tendered: string, partial: boolean): Promise<PayOutcome>;
  /** `amount` null: the rest of the sale. */
  payCard(amount: string | null): Promise<PayOutcome>;
  /**
   * Drops a card payment of unknown outcome (SaleView.card_unknown) that the terminal cannot
   * answer for and whose own record shows it failed; a cashier needs a manager's approval.
   */
  clearUnknownCard(reason: string, approval: Approval | null): Promise<SaleView>;
  /**
   * Starts a Swish request (`amount` null: the rest): 'open' with the QR code in `sale.swish`,
   * or 'paid' when earlier payments already settled the sale (its registration had failed).
   */
  swishStart(amount: string | null): Promise<PayOutcome>;
  /** 'open' with `swish` still set: the customer has not paid yet. */
  swishPoll(): Promise<PayOutcome>;
  swishCancel(): Promise<PayOutcome>;
  payVoucher(code: string, amount: string | null): Promise<PayOutcome>;
  receipt(receiptNo: number): Promise<Receipt>;
  /** `index` is the 0-based cart line; a cashier needs a manager's approval. */
  voidLine(index: number, approval: Approval | null): Promise<SaleView>;
  /** By PLU or name, best first, at most 20. */
  searchCatalog(query: string): Promise<CatalogItem[]>;
  /** Piece items: `quantity` (default 1); weight items: `weight` in kg as typed, e.g. "0,452". */
  addItem(productId: number, quantity: string | null, weight: string | null): Promise<SaleView>;
  /** Reads the scale and adds the weighed item. */
  weigh(productId: number): Promise<SaleView>;
  /** Pieces for piece lines, kg for hand-weighed lines. */
  setQuantity(index: number, value: string): Promise<SaleView>;
  setLineDiscount(index: number, discount: Discount | null, approval: Approval | null): Promise<SaleView>;
  setSaleDiscount(discount: Discount | null, approval: Approval | null): Promise<SaleView>;
  /** Puts the sale aside; the till is empty afterwards. */
  parkSale(): Promise<SaleView>;
  parkedSales(): Promise<ParkedSale[]>;
  resumeSale(parkedId: number): Promise<SaleView>;
  abandonSale(reason: string, approval: Approval | null): Promise<SaleView>;
  openDrawer(reason: string, approval: Approval | null): Promise<null>;
  /** Simulated devices only (StoreStatus.simulated_devices). */
  simulateCard(next: SimCard): Promise<null>;
  simulateSwish(next: SimSwish): Promise<null>;
  simulateScale(kg: string, stable: boolean): Promise<null>;
  listStaff(): Promise<StaffMember[]>;
  createStaff(name: string, role: Role, pin: string): Promise<StaffMember>;
  disableStaff(staffId: number, reason: string): Promise<StaffMember>;
  auditList(filter: AuditFilter): Promise<AuditEntry[]>;
  /** A price file's name and text (read in the webview); all of it is applied or nothing. */
  importCatalog(fileName: string, contents: string): Promise<ImportReport>;
  approvalPolicy(): Promise<ApprovalPolicy>;
  setApprovalPolicy(policy: ApprovalPolicy, reason: string): Promise<ApprovalPolicy>;
  /** Training mode, e-receipt choice, the open shift and the control unit's state. */
  tillState(): Promise<TillState>;
  /** Managers; only with no sale in progress. */
  setTraining(on: boolean): Promise<TillState>;
  /** The current sale's receipt as a file (PDF + HTML) instead of paper. */
  setElectronicReceipt(on: boolean): Promise<TillState>;
  /** The one copy (KOPIA) of a receipt; a second is refused with code already_done. */
  copyReceipt(receiptNo: number, output: CopyOutput): Promise<[Receipt, Delivery]>;
  /** A pro forma receipt (EJ KVITTO) of the sale in progress; the sale goes on. */
  proForma(): Promise<[Receipt, Delivery]>;
  returnPlan(receiptNo: number): Promise<ReturnPlan>;
  returnItems(receiptNo: number, lines: ReturnRequest[], reason: string, approval: Approval | null): Promise<ReturnOutcome>;
  /** Managers: an unfinished return's unknown refunds paid in cash (`cash`), or the return given up. */
  settlePendingReturn(cash: boolean, reason: string, approval: Approval | null): Promise<TillState>;
  /** X: any cashier; Z: managers, once a day. */
  takeReport(kind: ReportKind): Promise<ReportView>;
  zReports(): Promise<ZSummary[]>;
  reprintZ(number: number): Promise<ReportView>;
  openShift(float: string): Promise<ShiftState>;
  cashMovement(kind: MovementKind, amount: string, reason: string, approval: Approval | null): Promise<ShiftState>;
  closeShift(counted: string): Promise<ShiftClosed>;
  setControlUnitPolicy(policy: ControlUnitPolicy, reason: string): Promise<ControlUnitSetting>;
  controlOutages(): Promise<Outage[]>;
  /** Simulated devices only. */
  simulateControlUnit(failing: boolean): Promise<TillState>;
  verifyJournal(): Promise<JournalCheck>;
  /** The opening hours now, the coming week, the rules in force and the settings (anyone). */
  hoursView(): Promise<HoursView>;
  /** Only the state now (the header, the till's banner). */
  hoursStatus(): Promise<HoursStatus>;
  /** Managers, with a reason: the week, special days and grace as typed. */
  setOpeningHours(hours: OpeningHoursForm, reason: string): Promise<HoursView>;
  /** Managers, with a reason: a temporary change, or close now / open now. */
  addHoursChange(request: ChangeRequest, reason: string): Promise<HoursChange>;
  endHoursChange(id: number, reason: string): Promise<HoursChange>;
  setCustomerNotice(notice: Notice, reason: string): Promise<HoursView>;
  setFeedHttp(feed: FeedHttp, reason: string): Promise<HoursView>;
  /** A manager's approval for the next sale while the store is closed (after `store_closed`). */
  approveOutsideHours(approval: Approval | null): Promise<SaleView>;
  /**
   * Calls `handler` with the new state whenever the opening hours change, the store opens or
   * closes, and after midnight (the app's `hours-changed` event). Resolves to the unsubscribe.
   */
  onHoursChanged(handler: (status: HoursStatus) => void): Promise<() => void>;
  paymentsView(): Promise<PaymentsView>;
  paymentsStatus(): Promise<PaymentsStatus>;
  setPaymentMethod(form: SetMethod, reason: string): Promise<PaymentsView>;
  endPaymentChange(id: number, reason: string): Promise<PaymentsView>;
  setOfflineCaps(caps: CapsForm, reason: string): Promise<PaymentsView>;
  setFallbackRules(rules: FallbackRule[], reason: string): Promise<PaymentsView>;
  /** Demo and tests: the simulated links to the card acquirer and Swish. */
  simulateHealth(health: LinkHealth): Promise<PaymentsView>;
  forwardOffline(): Promise<PaymentsView>;
  scanAndPayDay(date: string | null): Promise<ScanAndPayDay>;
  importScanAndPay(contents: string): Promise<ReceiveReport>;
  checkExit(purchaseId: string, result: ExitResult, note: string): Promise<ScanAndPayDay>;
  /** A new token for the chain's app service (shown once), or `on: false` to stop POSTs. */
  scanAndPayToken(on: boolean, reason: string): Promise<string | null>;
  onPaymentsChanged(handler: (status: PaymentsStatus) => void): Promise<() => void>;
  /** Opens (or brings forward) the customer display in its own window. */
  openCustomerDisplay(): Promise<null>;
  /** What the customer display shows: public, callable from its own window with no session. */
  customerDisplay(): Promise<CustomerView>;
  /** The degraded-mode status board (anyone logged in): mode, dependencies, queue, remote control. */
  statusBoard(): Promise<StatusBoard>;
  /** Managers, with a reason: island mode cuts every remote control; selling goes on. */
  setIsland(on: boolean, reason: string): Promise<StatusBoard>;
  /** Newest first. */
  incidents(): Promise<IncidentSummary[]>;
  /** Managers. */
  incidentReport(id: number): Promise<IncidentReport>;
  /** Managers: a note, or (`decision`) a decision, on the incident's timeline. */
  addIncidentNote(id: number, text: string, decision: boolean): Promise<IncidentReport>;
  /** Managers, with a reason: the dependencies a drill pretends are down. */
  startDrill(failures: Dependency[], reason: string): Promise<IncidentSummary>;
  endDrill(reason: string): Promise<IncidentSummary>;
  setHealthSettings(settings: HealthSettings, reason: string): Promise<StatusBoard>;
  /** Managers, with a reason: HQ's public key that remote commands must be signed with. */
  pinHqKey(key: PinnedKey, reason: string): Promise<StatusBoard>;
  /** Managers: the remote commands received, newest first. */
  remoteLog(): Promise<Received[]>;
  /** SIMULATOR (demo): what a simulated dependency answers; the monitor notices at its next probes. */
  simulateDependency(dependency: Dependency, health: SimHealth): Promise<StatusBoard>;
  /**
   * Calls `handler` with the whole board on every change of health, mode, island, incident,
   * drill, payment methods or hours, and at least every 30 s (the app's `status-changed`
   * event). Resolves to the unsubscribe.
   */
  onStatusChanged(handler: (board: StatusBoard) => void): Promise<() => void>;
  /** Managers: the backup setup and the latest backups (failed ones too). */
  backupStatus(): Promise<BackupStatus>;
  /** Managers, with a reason: the public key, the second location, how often, how many kept. */
  configureBackups(config: BackupConfig, reason: string): Promise<BackupStatus>;
  /** Managers: a backup now, checked and read back before it counts (progress by event). */
  backupNow(): Promise<BackupRecord>;
  /** The backup files in a folder (their readable headers): for the restore flow. */
  findBackups(folder: string): Promise<FoundBackup[]>;
  /**
   * Restore a backup with the manager's secret key file: only when the store did not open, or
   * holds no registrations yet. Catches up from HQ after; the app then restarts.
   */
  restoreBackup(file: string, keyFile: string, reason: string): Promise<RestoreOutcome>;
  /** Starts the app again on the restored store. */
  restartApp(): Promise<null>;
  /** Managers: after a restore that could not reach HQ, fetch what HQ holds now. */
  catchUp(): Promise<number>;
  /** Progress of a backup or a restore (the app's `backup-progress` event). */
  onBackupProgress(handler: (progress: Progress) => void): Promise<() => void>;
};

export const api: Api = {
  storeStatus: () => call<StoreStatus>('store_status'),
  login: (staffId, pin) => call<SessionInfo>('login', { staffId, pin }),
  logout: () => call<null>('logout'),
  createFirstManager: (name, pin) => call<SessionInfo>('create_first_manager', { name, pin }),
  currentCart: () => call<SaleView>('current_cart'),
  scan: (code) => call<SaleView>('scan', { code }),
  payCash: (tendered, partial) => call<PayOutcome>('pay_cash', { tendered, partial }),
  payCard: (amount) => call<PayOutcome>('pay_card', { amount }),
  clearUnknownCard: (reason, approval) => call<SaleView>('clear_unknown_card', { reason, approval }),
  swishStart: (amount) => call<PayOutcome>('swish_start', { amount }),
  swishPoll: () => call<PayOutcome>('swish_poll'),
  swishCancel: () => call<PayOutcome>('swish_cancel'),
  payVoucher: (code, amount) => call<PayOutcome>('pay_voucher', { code, amount }),
  receipt: (receiptNo) => call<Receipt>('receipt', { receiptNo }),
  voidLine: (index, approval) => call<SaleView>('void_line', { index, approval }),
  searchCatalog: (query) => call<CatalogItem[]>('search_catalog', { query }),
  addItem: (productId, quantity, weight) => call<SaleView>('add_item', { productId, quantity, weight }),
  weigh: (productId) => call<SaleView>('weigh', { productId }),
  setQuantity: (index, value) => call<SaleView>('set_quantity', { index, value }),
  setLineDiscount: (index, discount, approval) => call<SaleView>('set_line_discount', { index, discount, approval }),
  setSaleDiscount: (discount, approval) => call<SaleView>('set_sale_discount', { discount, approval }),
  parkSale: () => call<SaleView>('park_sale'),
  parkedSales: () => call<ParkedSale[]>('parked_sales'),
  resumeSale: (parkedId) => call<SaleView>('resume_sale', { parkedId }),
  abandonSale: (reason, approval) => call<SaleView>('abandon_sale', { reason, approval }),
  openDrawer: (reason, approval) => call<null>('open_drawer', { reason, approval }),
  simulateCard: (next) => call<null>('simulate_card', { next }),
  simulateSwish: (next) => call<null>('simulate_swish', { next }),
  simulateScale: (kg, stable) => call<null>('simulate_scale', { kg, stable }),
  listStaff: () => call<StaffMember[]>('list_staff'),
  createStaff: (name, role, pin) => call<StaffMember>('create_staff', { name, role, pin }),
  disableStaff: (staffId, reason) => call<StaffMember>('disable_staff', { staffId, reason }),
  auditList: (filter) => call<AuditEntry[]>('audit_list', { filter }),
  importCatalog: (fileName, contents) => call<ImportReport>('import_catalog', { fileName, contents }),
  approvalPolicy: () => call<ApprovalPolicy>('approval_policy'),
  setApprovalPolicy: (policy, reason) => call<ApprovalPolicy>('set_approval_policy', { policy, reason }),
  tillState: () => call<TillState>('till_state'),
  setTraining: (on) => call<TillState>('set_training', { on }),
  setElectronicReceipt: (on) => call<TillState>('set_electronic_receipt', { on }),
  copyReceipt: (receiptNo, output) => call<[Receipt, Delivery]>('copy_receipt', { receiptNo, output }),
  proForma: () => call<[Receipt, Delivery]>('pro_forma'),
  returnPlan: (receiptNo) => call<ReturnPlan>('return_plan', { receiptNo }),
  returnItems: (receiptNo, lines, reason, approval) =>
    call<ReturnOutcome>('return_items', { receiptNo, lines, reason, approval }),
  settlePendingReturn: (cash, reason, approval) =>
    call<TillState>('settle_pending_return', { cash, reason, approval }),
  takeReport: (kind) => call<ReportView>('take_report', { kind }),
  zReports: () => call<ZSummary[]>('z_reports'),
  reprintZ: (number) => call<ReportView>('reprint_z', { number }),
  openShift: (float) => call<ShiftState>('open_shift', { float }),
  cashMovement: (kind, amount, reason, approval) =>
    call<ShiftState>('cash_movement', { kind, amount, reason, approval }),
  closeShift: (counted) => call<ShiftClosed>('close_shift', { counted }),
  setControlUnitPolicy: (policy, reason) => call<ControlUnitSetting>('set_control_unit_policy', { policy, reason }),
  controlOutages: () => call<Outage[]>('control_outages'),
  simulateControlUnit: (failing) => call<TillState>('simulate_control_unit', { failing }),
  verifyJournal: () => call<JournalCheck>('verify_journal'),
  hoursView: () => call<HoursView>('hours_view'),
  hoursStatus: () => call<HoursStatus>('hours_status'),
  setOpeningHours: (hours, reason) => call<HoursView>('set_opening_hours', { hours, reason }),
  addHoursChange: (request, reason) => call<HoursChange>('add_hours_change', { request, reason }),
  endHoursChange: (id, reason) => call<HoursChange>('end_hours_change', { id, reason }),
  setCustomerNotice: (notice, reason) => call<HoursView>('set_customer_notice', { notice, reason }),
  setFeedHttp: (feed, reason) => call<HoursView>('set_feed_http', { feed, reason }),
  approveOutsideHours: (approval) => call<SaleView>('approve_outside_hours', { approval }),
  onHoursChanged: async (handler) => {
    if (!inTauri()) return () => {};
    return await listen<HoursStatus>(HOURS_EVENT, (event) => handler(event.payload));
  },
  paymentsView: () => call<PaymentsView>('payments_view'),
  paymentsStatus: () => call<PaymentsStatus>('payments_status'),
  setPaymentMethod: (form, reason) => call<PaymentsView>('set_payment_method', { form, reason }),
  endPaymentChange: (id, reason) => call<PaymentsView>('end_payment_change', { id, reason }),
  setOfflineCaps: (caps, reason) => call<PaymentsView>('set_offline_caps', { caps, reason }),
  setFallbackRules: (rules, reason) => call<PaymentsView>('set_fallback_rules', { rules, reason }),
  simulateHealth: (health) => call<PaymentsView>('simulate_health', { health }),
  forwardOffline: () => call<PaymentsView>('forward_offline'),
  scanAndPayDay: (date) => call<ScanAndPayDay>('scan_and_pay_day', { date }),
  importScanAndPay: (contents) => call<ReceiveReport>('import_scan_and_pay', { contents }),
  checkExit: (purchaseId, result, note) => call<ScanAndPayDay>('check_exit', { purchaseId, result, note }),
  scanAndPayToken: (on, reason) => call<string | null>('scan_and_pay_token', { on, reason }),
  openCustomerDisplay: () => call<null>('open_customer_display'),
  customerDisplay: () => call<CustomerView>('customer_display'),
  onPaymentsChanged: async (handler) => {
    if (!inTauri()) return () => {};
    return await listen<PaymentsStatus>(PAYMENTS_EVENT, (event) => handler(event.payload));
  },
  statusBoard: () => call<StatusBoard>('status_board'),
  setIsland: (on, reason) => call<StatusBoard>('set_island', { on, reason }),
  incidents: () => call<IncidentSummary[]>('incidents'),
  incidentReport: (id) => call<IncidentReport>('incident_report', { id }),
  addIncidentNote: (id, text, decision) => call<IncidentReport>('add_incident_note', { id, text, decision }),
  startDrill: (failures, reason) => call<IncidentSummary>('start_drill', { failures, reason }),
  endDrill: (reason) => call<IncidentSummary>('end_drill', { reason }),
  setHealthSettings: (settings, reason) => call<StatusBoard>('set_health_settings', { settings, reason }),
  pinHqKey: (key, reason) => call<StatusBoard>('pin_hq_key', { key, reason }),
  remoteLog: () => call<Received[]>('remote_log'),
  simulateDependency: (dependency, health) => call<StatusBoard>('simulate_dependency', { dependency, health }),
  onStatusChanged: async (handler) => {
    if (!inTauri()) return () => {};
    return await listen<StatusBoard>(STATUS_EVENT, (event) => handler(event.payload));
  },
  backupStatus: () => call<BackupStatus>('backup_status'),
  configureBackups: (config, reason) => call<BackupStatus>('configure_backups', { config, reason }),
  backupNow: () => call<BackupRecord>('backup_now'),
  findBackups: (folder) => call<FoundBackup[]>('find_backups', { folder }),
  restoreBackup: (file, keyFile, reason) => call<RestoreOutcome>('restore_backup', { file, keyFile, reason }),
  restartApp: () => call<null>('restart_app'),
  catchUp: () => call<number>('catch_up'),
  onBackupProgress: async (handler) => {
    if (!inTauri()) return () => {};
    return await listen<Progress>(BACKUP_PROGRESS_EVENT, (event) => handler(event.payload));
  },
};

/** The app's event for a backup's or a restore's progress (src-tauri BACKUP_PROGRESS_EVENT). */
export const BACKUP_PROGRESS_EVENT = 'backup-progress';

/** The app's event for the payment methods in force (src-tauri PAYMENTS_EVENT). */
export const PAYMENTS_EVENT = 'payments-changed';

/** The app's event for the whole status board (src-tauri STATUS_EVENT). */
export const STATUS_EVENT = 'status-changed';

/** The app's event for the live opening-hours state (src-tauri HOURS_EVENT). */
export const HOURS_EVENT = 'hours-changed';
