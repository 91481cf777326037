// State and actions of the till screen, independent of the markup.
//
// Every backend command goes through one serial queue, so scans, payments and
// cart refreshes reach the backend strictly in the order the cashier made
// them, one at a time: a burst of scans is never merged or reordered, and a
// payment waits for the scans before it.

import { api as defaultApi, toApiError, type Api } from './api';
import type {
  ApiError,
  BackupConfig,
  BackupRecord,
  BackupStatus,
  FoundBackup,
  Progress,
  RestoreOutcome,
  CashInstead,
  Approval,
  ApprovalPolicy,
  AuditEntry,
  AuditFilter,
  CatalogItem,
  CopyOutput,
  Delivery,
  Discount,
  ErrorCode,
  ImportReport,
  ParkedSale,
  PayOutcome,
  PricedCart,
  Receipt,
  ReturnOutcome,
  ReturnPlan,
  ReturnRequest,
  Role,
  SaleView,
  SessionInfo,
  SimCard,
  SimSwish,
  StaffMember,
  StoreStatus,
} from './bindings';
import type {
  ChangeRequest,
  ControlUnitPolicy,
  ControlUnitSetting,
  FeedHttp,
  HoursChange,
  HoursStatus,
  HoursView as HoursInfo,
  JournalCheck,
  MovementKind,
  Notice as CustomerNotice,
  OpeningHoursForm,
  Outage,
  ReportKind,
  ReportView,
  ShiftClosed,
  ShiftState,
  TillState,
  ZSummary,
} from './bindings';
import type {
  CapsForm,
  ExitResult,
  FallbackRule,
  LinkHealth,
  PaymentsStatus,
  PaymentsView as PaymentsInfo,
  ReceiveReport,
  ScanAndPayDay,
  SetMethod,
} from './bindings';
import type {
  Dependency,
  IncidentReport,
  IncidentSummary,
  PinnedKey,
  Received,
  SimHealth,
  StatusBoard,
} from './bindings';
import { statusOfView } from './payments';
import { createSerialQueue } from './queue';
import { canCopy } from './receipt';
import { inputError } from './validate';

/**
 * `locked`: nobody is logged in (lock screen); `first_manager`: no staff exist
 * yet. The sale in progress survives a lock: the backend keeps it.
 */
export type Phase = 'loading' | 'failed' | 'not_setup' | 'first_manager' | 'locked' | 'ready';

/**
 * What a manager looks at; a cashier sees the till and the Scan & Pay exit checks. (The
 * customer display is a window of its own, customer.html: see `openCustomerDisplay`.)
 */
export type View =
  | 'till'
  | 'staff'
  | 'audit'
  | 'catalog'
  | 'settings'
  | 'hours'
  | ManagerFiscalView
  | 'scan_and_pay';

/**
 * The manager's register pages: the status board (degraded mode), day reports, the cash shift,
 * the control unit, training mode, the payment methods.
 */
export type ManagerFiscalView = 'status' | 'reports' | 'cash' | 'control_unit' | 'training' | 'payments';

/** What a manager's PIN is asked for. */
export type ApprovalKind =
  | 'void'
  | 'line_discount'
  | 'sale_discount'
  | 'abandon'
  | 'drawer'
  | 'clear_card'
  | 'return'
  /** A sale started while the store is closed (`store_closed`). */
  | 'outside_hours';

/** A step waiting for a manager's PIN; `retry` sends it again with the approval. */
export type PendingApproval = {
  kind: ApprovalKind;
  /** The line's name (void, line discount), or empty. */
  subject: string;
  /** What the backend said, in both languages (outside_hours: the store is closed, and until when). */
  because?: ApiError;
  retry: (approval: Approval) => Promise<Outcome>;
};

/** How a step ended: done, waiting for a manager's approval, or failed (the error is shown). */
export type Outcome = 'done' | 'approval' | 'failed';

/** Where a scan arrived that the till would not take: the payment panel, or a dialog. */
export type ScanRefusal = 'payment' | 'dialog';

/** A short confirmation shown on the till after a step with no other visible result. */
export type Notice = 'parked' | 'resumed' | 'drawer_opened' | 'abandoned';

export type TillOptions = {
  /** How often a waiting Swish payment is checked (ms). */
  swishPollMs?: number;
};

/** A receipt and how it reached the customer (a copy, a pro forma). */
export type Handed = { receipt: Receipt; delivery: Delivery };

/** Payment errors that belong to the payment panel and go when it closes. */
const PAYMENT_ERRORS: readonly ErrorCode[] = [
  'insufficient_cash',
  'invalid_amount',
  'card_declined',
  'payment_unknown',
  'device_unavailable',
  'swish_declined',
  'payment_pending',
  'voucher_invalid',
  'control_unit_down',
  'method_refused',
];

export class Till {
  phase = $state<Phase>('loading');
  status = $state.raw<StoreStatus | null>(null);
  /** The sale in progress as the backend last reported it. */
  sale = $state.raw<SaleView | null>(null);
  /** The selected cart line (-1: none chosen, which means the last line). */
  selected = $state(-1);
  receipt = $state.raw<Receipt | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** The payment panel is open. */
  paying = $state(false);
  /** A payment call is in flight. */
  submitting = $state(false);
  /** Commands enqueued and not yet answered. */
  pending = $state(0);
  session = $state.raw<SessionInfo | null>(null);
  view = $state<View>('till');
  /** The last failed login or first-manager attempt (shown on the lock screen). */
  loginError = $state.raw<ApiError | null>(null);
  /** A login or first-manager call is in flight. */
  loggingIn = $state(false);
  /** The approval dialog is open for this step. */
  pendingApproval = $state.raw<PendingApproval | null>(null);
  approvalError = $state.raw<ApiError | null>(null);
  approving = $state(false);
  notice = $state<Notice | null>(null);
  /** The latest item search's results, and the query they answer. */
  searchResults = $state.raw<CatalogItem[]>([]);
  searchResultsFor = $state('');
  /** Sales parked on this register (loaded when the list is opened). */
  parkedList = $state.raw<ParkedSale[]>([]);
  /**
   * The message for the last scan refused while paying or in a dialog; shown as `error` (or
   * `approvalError`) while it is that, and gone when its panel or dialog closes.
   */
  scanRefusal = $state.raw<ApiError | null>(null);
  /**
   * Training mode, the e-receipt choice and the control unit as the backend last told (null
   * until loaded). Loaded after login and after each sale or return.
   */
  tillState = $state.raw<TillState | null>(null);
  /** How the receipt shown was handed over (printed, a file, or what went wrong). */
  delivery = $state.raw<Delivery | null>(null);
  /** The copy made of the receipt shown. */
  receiptCopy = $state.raw<Handed | null>(null);
  /** A copy is on its way to the backend. */
  copying = $state(false);
  /** A return's refunds that went to cash because the terminal or Swish refused them. */
  toCashInstead = $state.raw<CashInstead[]>([]);
  /** The pro forma receipt shown over the sale in progress. */
  proForma = $state.raw<Handed | null>(null);
  /** The receipt looked up for a return, and what is left to return of it. */
  returnPlan = $state.raw<ReturnPlan | null>(null);
  /**
   * The opening hours now (the header's chip, the till's banner): fetched once after login, then
   * kept current by the backend's `hours-changed` event. Never polled.
   */
  hours = $state.raw<HoursStatus | null>(null);
  /**
   * The payment methods in force and what customers are told (the payment panel, the banner):
   * fetched once after login, then kept current by the backend's `payments-changed` event.
   */
  payments = $state.raw<PaymentsStatus | null>(null);
  /**
   * The degraded-mode status board (the header's mode chip, the till's banner, the manager's
   * status page): fetched once after login, then kept current by the backend's `status-changed`
   * event. Never polled. (`status` is the store's StoreStatus.)
   */
  board = $state.raw<StatusBoard | null>(null);

  readonly #api: Api;
  readonly #enqueue = createSerialQueue();
  readonly #swishPollMs: number;
  #swishTimer: ReturnType<typeof setTimeout> | null = null;
  #searchSeq = 0;
  /** A void is on its way to the backend: a second one waits until it is answered. */
  #voiding = false;
  /** Sale steps refused with `store_closed`, in order, waiting for a manager's approval. */
  #outsideHours: (() => Promise<SaleView>)[] = [];
  /** Who else wants each `hours-changed` event (the manager's page). */
  readonly #hoursListeners = new Set<(status: HoursStatus) => void>();
  /** The event's unsubscribe, once subscribed (one subscription for the life of the till). */
  #hoursUnlisten: Promise<() => void> | null = null;
  /** Who else wants each `payments-changed` event (the manager's pages). */
  readonly #paymentsListeners = new Set<(status: PaymentsStatus) => void>();
  #paymentsUnlisten: Promise<() => void> | null = null;
  /** Who else wants each `status-changed` event (the status page). */
  readonly #boardListeners = new Set<(board: StatusBoard) => void>();
  #boardUnlisten: Promise<() => void> | null = null;
  #disposed = false;

  constructor(api: Api = defaultApi, options: TillOptions = {}) {
    this.#api = api;
    this.#swishPollMs = options.swishPollMs ?? 1000;
  }

  get cart(): PricedCart | null {
    return this.sale?.cart ?? null;
  }

  /** The line that F3/F4/Delete act on: the chosen one, else the last; -1 with no lines. */
  get selectedIndex(): number {
    const count = this.cart?.lines.length ?? 0;
    if (count === 0) return -1;
    return this.selected >= 0 && this.selected < count ? this.selected : count - 1;
  }

  /**
   * Payments taken, one waiting (Swish) or one of unknown outcome (card) on this sale: the
   * payment panel cannot be left.
   */
  get paymentStarted(): boolean {
    return this.sale !== null && paymentUnderway(this.sale);
  }

  get hasItems(): boolean {
    return (this.cart?.lines.length ?? 0) > 0;
  }

  get role(): Role | null {
    return this.session?.staff.role ?? null;
  }

  /** Kiosk staff may look at the till but not sell. */
  get canSell(): boolean {
    return this.phase === 'ready' && this.role !== null && this.role !== 'kiosk';
  }

  get canPay(): boolean {
    return this.canSell && this.receipt === null && this.hasItems && !this.submitting;
  }

  /** Active managers, who can approve a cashier's void. */
  get managers(): StaffMember[] {
    return (this.status?.staff ?? []).filter((s) => s.role === 'manager' && s.active);
  }

  /**
   * Turns a rejection into an ApiError; `not_logged_in` (nobody logged in, or
   * the session timed out) locks the till. Returns null when it locked.
   */
  #fail(reason: unknown): ApiError | null {
    const error = toApiError(reason);
    if (error.code === 'not_logged_in') {
      this.#lock();
      return null;
    }
    return error;
  }

  /** Shows the lock screen. The cart is kept: the backend keeps the sale. */
  #lock(): void {
    const wasLocked = this.phase === 'locked';
    this.session = null;
    this.phase = 'locked';
    this.view = 'till';
    this.paying = false;
    this.pendingApproval = null;
    this.#outsideHours = [];
    this.approvalError = null;
    this.error = null;
    this.loginError = null;
    this.notice = null;
    this.proForma = null;
    this.returnPlan = null;
    this.#stopSwishPolling();
    if (!wasLocked) void this.#refreshStatus();
  }

  /** Fresh staff list for the lock screen (store_status works without login). */
  async #refreshStatus(): Promise<void> {
    try {
      const status = await this.#run(() => this.#api.storeStatus());
      this.status = { ...status, session: null };
    } catch {
      // Keep the staff list we have.
    }
  }

  #run<T>(task: () => Promise<T>): Promise<T> {
    this.pending += 1;
    return this.#enqueue(task).finally(() => {
      this.pending -= 1;
    });
  }

  /** Loads the store status and, when a store is set up, the current cart. */
  async init(): Promise<void> {
    this.phase = 'loading';
    this.error = null;
    try {
      const status = await this.#run(() => this.#api.storeStatus());
      this.status = status;
      if (!status.identity) {
        this.phase = 'not_setup';
        return;
      }
      if (status.needs_first_manager) {
        this.phase = 'first_manager';
        return;
      }
      if (!status.session) {
        this.#lock();
        return;
      }
      this.session = status.session;
      const view = await this.#run(() => this.#api.currentCart());
      this.phase = 'ready';
      this.#setView(view, 'last');
      void this.refreshTillState();
      void this.refreshHours();
      void this.refreshPayments();
      void this.refreshBoard();
    } catch (reason) {
      const error = toApiError(reason);
      if (error.code === 'not_logged_in') {
        this.#lock();
        return;
      }
      this.error = error;
      this.phase = error.code === 'store_not_initialized' ? 'not_setup' : 'failed';
    }
  }

  #loggedIn(session: SessionInfo): Promise<void> {
    this.session = session;
    this.loginError = null;
    this.error = null;
    this.view = 'till';
    if (this.status) this.status = { ...this.status, session, needs_first_manager: false };
    this.phase = 'ready';
    // The sale in progress (if any) comes back from the backend.
    const done = this.#run(async () => {
      try {
        this.#setView(await this.#api.currentCart(), 'last');
      } catch (reason) {
        this.error = this.#fail(reason);
      }
    });
    void this.refreshTillState();
    void this.refreshHours();
    void this.refreshPayments();
    void this.refreshBoard();
    return done;
  }

  /** Logs in from the lock screen; true on success. */
  login(staffId: number, pin: string): Promise<boolean> {
    return this.#startSession(() => this.#api.login(staffId, pin));
  }

  /** First run: creates the first manager, who is then logged in. */
  createFirstManager(name: string, pin: string): Promise<boolean> {
    return this.#startSession(() => this.#api.createFirstManager(name, pin));
  }

  /** Runs a command that opens a session; its error goes to the lock screen. */
  async #startSession(open: () => Promise<SessionInfo>): Promise<boolean> {
    if (this.loggingIn) return false;
    this.loggingIn = true;
    try {
      const session = await this.#run(open);
      await this.#loggedIn(session);
      return true;
    } catch (reason) {
      this.loginError = toApiError(reason);
      return false;
    } finally {
      this.loggingIn = false;
    }
  }


  /** "Switch cashier" and idle logout: the cart stays with the backend. */
  logout(): Promise<void> {
    if (this.phase !== 'ready') return Promise.resolve();
    // Queued before the lock screen's status refresh.
    const done = this.#run(async () => {
      try {
        await this.#api.logout();
      } catch {
        // Locked either way; the backend's own idle timeout ends the session.
      }
    });
    this.#lock();
    return done;
  }

  /**
   * Voids cart line `index`; a cashier's void opens the approval dialog. One void at a time:
   * another one asked for before the first is answered is ignored (its index may be stale).
   */
  voidLine(index: number, approval: Approval | null = null): Promise<Outcome> {
    if (!this.#canEdit() || this.#voiding) return Promise.resolve('failed');
    const line = this.cart?.lines[index];
    if (!line) return Promise.resolve('failed');
    this.#voiding = true;
    return this.#withApproval({ kind: 'void', subject: line.name }, approval, (a) =>
      this.#api.voidLine(index, a),
    ).finally(() => {
      this.#voiding = false;
    });
  }

  /** Sends the waiting step again with the manager's approval. */
  approve(approval: Approval): Promise<Outcome> {
    const pending = this.pendingApproval;
    if (!pending || this.approving) return Promise.resolve('failed');
    return pending.retry(approval);
  }

  /** Outside opening hours, the refused scans are dropped with it: the cart stays empty. */
  cancelApproval(): void {
    if (this.approving) return;
    this.pendingApproval = null;
    this.#outsideHours = [];
    this.approvalError = null;
  }

  /**
   * Runs a step a cashier may need a manager's approval for. Without an approval, a
   * `needs_approval` answer opens the approval dialog; with one, an error stays in the dialog.
   */
  #withApproval(
    request: { kind: ApprovalKind; subject: string },
    approval: Approval | null,
    call: (approval: Approval | null) => Promise<SaleView | null>,
    done?: () => void,
  ): Promise<Outcome> {
    if (approval) this.approving = true;
    return this.#run(async (): Promise<Outcome> => {
      try {
        const view = await call(approval);
        if (view) this.#setView(view);
        this.error = null;
        this.pendingApproval = null;
        this.approvalError = null;
        done?.();
        return 'done';
      } catch (reason) {
        const error = this.#fail(reason);
        if (!error) return 'failed';
        if (error.code === 'needs_approval' && !approval) {
          this.pendingApproval = {
            ...request,
            retry: (next) => this.#withApproval(request, next, call, done),
          };
          this.approvalError = null;
          return 'approval';
        }
        if (approval) this.approvalError = error;
        else this.error = error;
        return 'failed';
      } finally {
        if (approval) this.approving = false;
      }
    });
  }

  /** Manager commands: ApiError on failure (not_logged_in also locks). */
  #managerCall<T>(task: () => Promise<T>): Promise<T> {
    return this.#run(async () => {
      try {
        return await task();
      } catch (reason) {
        const error = toApiError(reason);
        this.#fail(error);
        throw error;
      }
    });
  }

  listStaff(): Promise<StaffMember[]> {
    return this.#managerCall(() => this.#api.listStaff());
  }

  async createStaff(name: string, role: Role, pin: string): Promise<StaffMember> {
    const member = await this.#managerCall(() => this.#api.createStaff(name, role, pin));
    void this.#refreshStaff();
    return member;
  }

  async disableStaff(staffId: number, reason: string): Promise<StaffMember> {
    const member = await this.#managerCall(() => this.#api.disableStaff(staffId, reason));
    void this.#refreshStaff();
    return member;
  }

  auditList(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.#managerCall(() => this.#api.auditList(filter));
  }

  /** Imports a price file's text; the report says whether anything was applied. */
  importCatalog(fileName: string, contents: string): Promise<ImportReport> {
    return this.#managerCall(() => this.#api.importCatalog(fileName, contents));
  }

  approvalPolicy(): Promise<ApprovalPolicy> {
    return this.#managerCall(() => this.#api.approvalPolicy());
  }

  setApprovalPolicy(policy: ApprovalPolicy, reason: string): Promise<ApprovalPolicy> {
    return this.#managerCall(() => this.#api.setApprovalPolicy(policy, reason));
  }

  // ---------------------------- manager: reports, cash shift, control unit, training, journal

  /** X (changes nothing) or Z (closes the day, once a day: `already_done` after that). */
  takeReport(kind: ReportKind): Promise<ReportView> {
    return this.#managerCall(() => this.#api.takeReport(kind));
  }

  zReports(): Promise<ZSummary[]> {
    return this.#managerCall(() => this.#api.zReports());
  }

  /** Z report `number` shown again (the backend registers the copy). */
  reprintZ(number: number): Promise<ReportView> {
    return this.#managerCall(() => this.#api.reprintZ(number));
  }

  /** Training mode, the open shift and the control unit, as the backend has them now. */
  async readTillState(): Promise<TillState> {
    const state = await this.#managerCall(() => this.#api.tillState());
    this.tillState = state;
    return state;
  }

  openShift(float: string): Promise<ShiftState> {
    return this.#managerCall(() => this.#api.openShift(float));
  }

  /** Paid in / paid out; `needs_approval` comes back as an error for the view to ask for a PIN. */
  cashMovement(kind: MovementKind, amount: string, reason: string, approval: Approval | null = null): Promise<ShiftState> {
    return this.#managerCall(() => this.#api.cashMovement(kind, amount, reason, approval));
  }

  closeShift(counted: string): Promise<ShiftClosed> {
    return this.#managerCall(() => this.#api.closeShift(counted));
  }

  /** Only with no sale in progress. */
  /** Managers: an unfinished return's unknown refunds paid in cash (`cash`), or the return given up. */
  async settlePendingReturn(cash: boolean, rawReason: string): Promise<boolean> {
    const reason = rawReason.trim();
    if (!reason) return false;
    try {
      this.tillState = await this.#api.settlePendingReturn(cash, reason, null);
      this.error = null;
      return true;
    } catch (reason) {
      this.error = this.#fail(reason);
      return false;
    }
  }

  async setTraining(on: boolean): Promise<TillState> {
    const state = await this.#managerCall(() => this.#api.setTraining(on));
    // The till's own banner follows at once.
    this.tillState = state;
    return state;
  }

  setControlUnitPolicy(policy: ControlUnitPolicy, reason: string): Promise<ControlUnitSetting> {
    return this.#managerCall(() => this.#api.setControlUnitPolicy(policy, reason));
  }

  controlOutages(): Promise<Outage[]> {
    return this.#managerCall(() => this.#api.controlOutages());
  }

  verifyJournal(): Promise<JournalCheck> {
    return this.#managerCall(() => this.#api.verifyJournal());
  }

  /** Keeps the lock screen's and approval dialog's staff list current. */
  async #refreshStaff(): Promise<void> {
    try {
      const status = await this.#run(() => this.#api.storeStatus());
      if (this.status) this.status = { ...this.status, staff: status.staff };
    } catch {
      // Not important enough to show.
    }
  }

  /**
   * Sends one typed or scanned code; resolves when the backend answered. The cart stays exactly
   * as it was after a bad scan; a closed store asks for a manager first (see `#sellStep`).
   */
  async scan(rawCode: string): Promise<void> {
    const code = rawCode.trim();
    if (!code || !this.canSell) return;
    await this.#sellStep(() => this.#api.scan(code));
  }

  /** Opens the payment panel; false when there is nothing to pay. An earlier error goes. */
  openPayment(): boolean {
    if (!this.canPay || this.paying) return false;
    this.paying = true;
    this.notice = null;
    this.error = null;
    return true;
  }

  /** Closes the payment panel, unless a payment is in flight or already taken. */
  closePayment(): boolean {
    if (this.submitting || this.paymentStarted) return false;
    this.paying = false;
    if (this.error && PAYMENT_ERRORS.includes(this.error.code)) this.error = null;
    this.dropScanRefusal();
    return true;
  }

  /**
   * A barcode was scanned while the payment panel or a dialog was open: it is not taken, and
   * the cashier is told why (in the approval dialog when that is open, else in the panel or
   * dialog in front).
   */
  refuseScan(where: ScanRefusal): void {
    const error = inputError(where === 'payment' ? 'scanRefusedPayment' : 'scanRefusedDialog');
    this.scanRefusal = error;
    if (this.pendingApproval) this.approvalError = error;
    else this.error = error;
  }

  /** The panel or dialog that refused a scan has closed: its message goes with it. */
  dropScanRefusal(): void {
    const refusal = this.scanRefusal;
    if (refusal === null) return;
    this.scanRefusal = null;
    if (this.error === refusal) this.error = null;
    if (this.approvalError === refusal) this.approvalError = null;
  }

  /**
   * Takes cash. Not `partial`: the amount must cover the rest (rounded) and completes the
   * sale with change; `partial`: a smaller amount is a part payment and the sale stays open.
   */
  payCash(rawTendered: string, partial = false): Promise<void> {
    const tendered = rawTendered.trim();
    if (!tendered) return Promise.resolve();
    return this.#payment(() => this.#api.payCash(tendered, partial));
  }

  /** Card through the terminal: `amount` (empty: the rest). */
  payCard(amount: string | null = null): Promise<void> {
    return this.#payment(() => this.#api.payCard(blankToNull(amount)));
  }

  /**
   * Starts a Swish payment; the panel then shows the QR code and polls until it is paid. When
   * earlier payments already settled the sale (their registration had failed), the backend
   * registers it now and the receipt shows instead.
   */
  startSwish(amount: string | null = null): Promise<void> {
    return this.#payment(() => this.#api.swishStart(blankToNull(amount)));
  }

  /** Stops waiting for Swish (a payment that arrived meanwhile is still taken). */
  cancelSwish(): Promise<void> {
    if (!this.sale?.swish) return Promise.resolve();
    return this.#payment(() => this.#api.swishCancel());
  }

  /**
   * Drops a card payment whose outcome is unknown (`card_unknown`) when the terminal cannot
   * answer and its own record shows the payment failed. Needs a reason; a cashier needs a
   * manager's approval (the approval dialog opens, as for a void).
   */
  clearUnknownCard(rawReason: string, approval: Approval | null = null): Promise<Outcome> {
    const reason = rawReason.trim();
    if (!reason || !this.canSell || this.receipt !== null || this.submitting || !this.sale?.card_unknown) {
      return Promise.resolve('failed');
    }
    return this.#withApproval({ kind: 'clear_card', subject: '' }, approval, (a) =>
      this.#api.clearUnknownCard(reason, a),
    );
  }

  /** A gift voucher: `amount` (empty: as much of the rest as the voucher holds). */
  payVoucher(rawCode: string, amount: string | null = null): Promise<void> {
    const code = rawCode.trim();
    if (!code) return Promise.resolve();
    return this.#payment(() => this.#api.payVoucher(code, blankToNull(amount)));
  }

  /** One payment step; after a failure the sale is fetched again (a card may now be unknown). */
  #payment(call: () => Promise<PayOutcome>): Promise<void> {
    if (this.submitting || !this.paying || !this.canSell) return Promise.resolve();
    this.submitting = true;
    return this.#run(async () => {
      try {
        this.#took(await call());
        this.error = null;
      } catch (reason) {
        const error = this.#fail(reason);
        if (!error) return;
        this.error = error;
        await this.#refreshSale();
        // The store may now sell on without the control unit (or stop): the banner says which.
        if (error.code === 'control_unit_down') void this.refreshTillState();
        // Refused by the methods in force: the panel's buttons catch up if they were behind.
        if (error.code === 'method_refused') void this.refreshPayments();
      } finally {
        this.submitting = false;
      }
    });
  }

  /** Applies a payment's answer: the receipt when the sale is paid, else the open sale. */
  #took(result: PayOutcome): void {
    if (result.status === 'paid') {
      // The backend closed the sale; its cart is empty now.
      this.#stopSwishPolling();
      this.#showReceipt(result.receipt, result.delivery ?? null);
      this.sale = null;
      this.selected = -1;
      this.paying = false;
      this.error = null;
    } else {
      this.#setView(result.sale);
    }
  }

  /** Checks a waiting Swish payment once (the timer calls this about once a second). */
  pollSwish(): Promise<void> {
    if (!this.sale?.swish || !this.canSell) return Promise.resolve();
    return this.#run(async () => {
      // Cancelled or paid (or the seller logged out) while this check waited its turn.
      if (!this.sale?.swish || !this.canSell) return;
      try {
        this.#took(await this.#api.swishPoll());
      } catch (reason) {
        const error = this.#fail(reason);
        if (!error) return;
        this.error = error;
        await this.#refreshSale();
      }
    });
  }

  /** Only someone who may sell checks on Swish (a kiosk login may not, so it never starts). */
  #scheduleSwishPoll(): void {
    if (!this.sale?.swish || this.#swishTimer !== null || !this.canSell) return;
    this.#swishTimer = setTimeout(() => {
      this.#swishTimer = null;
      void this.pollSwish();
    }, this.#swishPollMs);
  }

  #stopSwishPolling(): void {
    if (this.#swishTimer !== null) clearTimeout(this.#swishTimer);
    this.#swishTimer = null;
  }

  /** Stops timers and the backend's events (the screen is going away). */
  dispose(): void {
    this.#stopSwishPolling();
    this.#disposed = true;
    this.#hoursListeners.clear();
    void this.#hoursUnlisten?.then((unlisten) => unlisten());
    this.#hoursUnlisten = null;
    this.#paymentsListeners.clear();
    void this.#paymentsUnlisten?.then((unlisten) => unlisten());
    this.#paymentsUnlisten = null;
    this.#boardListeners.clear();
    void this.#boardUnlisten?.then((unlisten) => unlisten());
    this.#boardUnlisten = null;
  }

  /** Fetches the sale again, quietly (inside a queued task). */
  async #refreshSale(): Promise<void> {
    try {
      this.#setView(await this.#api.currentCart());
    } catch {
      // The error already shown is the one that matters.
    }
  }

  /**
   * Shows a sale from the backend. `last` selects the last line (an item was added);
   * otherwise a new line is selected and the selection kept in range.
   */
  #setView(view: SaleView, select: 'last' | 'keep' = 'keep'): void {
    const before = this.sale?.cart.lines.length ?? 0;
    const count = view.cart.lines.length;
    this.sale = view;
    if (select === 'last' || count > before || this.selected >= count) this.selected = count - 1;
    // A sale with payments taken (or one waiting, or a card payment of unknown outcome) goes on
    // in the payment panel; also after a cashier switch.
    const seller = this.role !== null && this.role !== 'kiosk';
    if (seller && this.receipt === null && paymentUnderway(view)) this.paying = true;
    if (view.swish && seller) this.#scheduleSwishPoll();
    else this.#stopSwishPolling();
  }

  /** Shows a registered receipt (a sale's or a return's); the training/control state may have changed. */
  #showReceipt(receipt: Receipt, delivery: Delivery | null, toCashInstead: CashInstead[] = []): void {
    this.receipt = receipt;
    this.delivery = delivery;
    this.receiptCopy = null;
    this.toCashInstead = toCashInstead;
    void this.refreshTillState();
  }

  /** Leaves the receipt and shows the (new, empty) current cart. */
  newSale(): Promise<void> {
    if (this.receipt === null) return Promise.resolve();
    this.receipt = null;
    this.delivery = null;
    this.receiptCopy = null;
    this.toCashInstead = [];
    this.error = null;
    return this.#run(async () => {
      try {
        this.#setView(await this.#api.currentCart(), 'last');
      } catch (reason) {
        this.error = this.#fail(reason);
      }
    });
  }

  // ------------------------------------------------------------ sale steps

  /** Sale steps need a seller on the sale screen, no receipt and no payment panel. */
  #canEdit(): boolean {
    return this.canSell && this.receipt === null && !this.paying;
  }

  /** Chooses the line F3/F4/Delete act on. */
  selectLine(index: number): void {
    const count = this.cart?.lines.length ?? 0;
    if (count === 0) return;
    this.selected = Math.max(0, Math.min(count - 1, index));
  }

  /** PageUp (-1) / PageDown (+1). */
  moveSelection(delta: number): void {
    const current = this.selectedIndex;
    if (current < 0) return;
    this.selectLine(current + delta);
  }

  /** A sale step without approval; true when the backend accepted it. */
  #saleStep(call: () => Promise<SaleView>, select: 'last' | 'keep' = 'keep'): Promise<boolean> {
    if (!this.#canEdit()) return Promise.resolve(false);
    return this.#run(async () => {
      try {
        this.#setView(await call(), select);
        this.error = null;
        this.notice = null;
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  /**
   * Searches the catalog by PLU or name. Keystrokes queue behind each other; a search
   * that a newer one overtook is skipped, and only the newest results are kept.
   */
  search(rawQuery: string): Promise<void> {
    const seq = ++this.#searchSeq;
    const query = rawQuery.trim();
    if (!query || !this.canSell) {
      this.searchResults = [];
      this.searchResultsFor = '';
      return Promise.resolve();
    }
    return this.#run(async () => {
      if (seq !== this.#searchSeq) return;
      try {
        const items = await this.#api.searchCatalog(query);
        if (seq === this.#searchSeq) {
          this.searchResults = items;
          this.searchResultsFor = query;
        }
      } catch (reason) {
        const error = this.#fail(reason);
        if (error && seq === this.#searchSeq) this.error = error;
      }
    });
  }

  clearSearch(): void {
    this.#searchSeq += 1;
    this.searchResults = [];
    this.searchResultsFor = '';
  }

  /** Adds a catalog item: pieces (`quantity`, default 1) or a hand-typed `weight` in kg. */
  addItem(productId: number, quantity: string | null = null, weight: string | null = null): Promise<Outcome> {
    if (!this.#canEdit()) return Promise.resolve('failed');
    return this.#sellStep(() => this.#api.addItem(productId, blankToNull(quantity), blankToNull(weight)));
  }

  /** Reads the scale and adds the weighed item. */
  weigh(productId: number): Promise<Outcome> {
    if (!this.#canEdit()) return Promise.resolve('failed');
    return this.#sellStep(() => this.#api.weigh(productId));
  }

  /**
   * A step that may start a sale (scan, add, weigh). Refused with `store_closed` (a cashier, the
   * store closed, the grace over), it waits for a manager's approval and is sent again once
   * given, so nothing is scanned twice. Steps already queued behind it (a scanner's burst) are
   * refused the same way and wait with it, in order: after the approval all of them are sent,
   * each once; cancelling drops them all and the cart stays empty.
   */
  #sellStep(call: () => Promise<SaleView>): Promise<Outcome> {
    return this.#run(async (): Promise<Outcome> => {
      try {
        this.#setView(await call(), 'last');
        this.error = null;
        this.notice = null;
        return 'done';
      } catch (reason) {
        const error = this.#fail(reason);
        if (!error) return 'failed';
        if (error.code === 'store_closed' && this.#awaitOutsideHours(error, call)) return 'approval';
        this.error = error;
        return 'failed';
      }
    });
  }

  /** Opens the approval for a sale outside opening hours, or joins the one open; false if another kind is open. */
  #awaitOutsideHours(error: ApiError, call: () => Promise<SaleView>): boolean {
    const pending = this.pendingApproval;
    if (pending && pending.kind !== 'outside_hours') return false;
    this.#outsideHours.push(call);
    if (!pending) {
      this.pendingApproval = {
        kind: 'outside_hours',
        subject: '',
        because: error,
        retry: (approval) => this.#approveOutsideHours(approval),
      };
      this.approvalError = null;
    }
    return true;
  }

  /** The manager's approval for the next sale, then the waiting steps in the order they came. */
  #approveOutsideHours(approval: Approval): Promise<Outcome> {
    this.approving = true;
    return this.#run(async (): Promise<Outcome> => {
      try {
        this.#setView(await this.#api.approveOutsideHours(approval));
      } catch (reason) {
        // A wrong PIN stays in the dialog; the steps keep waiting.
        const error = this.#fail(reason);
        if (error) this.approvalError = error;
        return 'failed';
      } finally {
        this.approving = false;
      }
      this.pendingApproval = null;
      this.approvalError = null;
      for (const call of this.#outsideHours.splice(0)) {
        try {
          this.#setView(await call(), 'last');
          this.error = null;
          this.notice = null;
        } catch (reason) {
          const error = this.#fail(reason);
          if (!error) return 'failed';
          this.error = error;
        }
      }
      return 'done';
    });
  }

  /** Pieces for a piece line, kg for a hand-weighed line. */
  setQuantity(index: number, rawValue: string): Promise<boolean> {
    const value = rawValue.trim();
    if (!value || !this.cart?.lines[index]) return Promise.resolve(false);
    return this.#saleStep(() => this.#api.setQuantity(index, value));
  }

  /** Sets (or with null removes) a line's discount; above the cashier's limit it asks a manager. */
  setLineDiscount(index: number, discount: Discount | null, approval: Approval | null = null): Promise<Outcome> {
    if (!this.#canEdit()) return Promise.resolve('failed');
    const line = this.cart?.lines[index];
    if (!line) return Promise.resolve('failed');
    return this.#withApproval({ kind: 'line_discount', subject: line.name }, approval, (a) =>
      this.#api.setLineDiscount(index, discount, a),
    );
  }

  /** Sets (or with null removes) the discount on the whole sale. */
  setSaleDiscount(discount: Discount | null, approval: Approval | null = null): Promise<Outcome> {
    if (!this.#canEdit() || !this.hasItems) return Promise.resolve('failed');
    return this.#withApproval({ kind: 'sale_discount', subject: '' }, approval, (a) =>
      this.#api.setSaleDiscount(discount, a),
    );
  }

  /** Puts the sale aside; the till is empty afterwards. */
  async parkSale(): Promise<boolean> {
    if (!this.hasItems) return false;
    const parked = await this.#saleStep(() => this.#api.parkSale(), 'last');
    if (parked) this.notice = 'parked';
    return parked;
  }

  /** Loads the parked sales into `parkedList`. */
  loadParked(): Promise<boolean> {
    if (!this.canSell) return Promise.resolve(false);
    return this.#run(async () => {
      try {
        this.parkedList = await this.#api.parkedSales();
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  /** Brings a parked sale back; after closing it asks for a manager like a new sale would. */
  async resumeSale(parkedId: number): Promise<Outcome> {
    if (!this.#canEdit()) return 'failed';
    const outcome = await this.#sellStep(() => this.#api.resumeSale(parkedId));
    if (outcome === 'done') this.notice = 'resumed';
    return outcome;
  }

  /** Gives up the sale in progress (a cashier needs a manager's approval). */
  abandonSale(rawReason: string, approval: Approval | null = null): Promise<Outcome> {
    const reason = rawReason.trim();
    if (!reason || !this.#canEdit() || !this.hasItems) return Promise.resolve('failed');
    return this.#withApproval(
      { kind: 'abandon', subject: '' },
      approval,
      (a) => this.#api.abandonSale(reason, a),
      () => (this.notice = 'abandoned'),
    );
  }

  /** Opens the cash drawer outside a sale (a cashier needs a manager's approval). */
  openDrawer(rawReason: string, approval: Approval | null = null): Promise<Outcome> {
    const reason = rawReason.trim();
    if (!reason || !this.canSell) return Promise.resolve('failed');
    return this.#withApproval(
      { kind: 'drawer', subject: '' },
      approval,
      (a) => this.#api.openDrawer(reason, a),
      () => (this.notice = 'drawer_opened'),
    );
  }

  clearError(): void {
    this.error = null;
  }

  // ------------------------------------ Swedish register rules on the till (issue 5)

  /** Fetches training mode, the e-receipt choice and the control unit's state, quietly. */
  refreshTillState(): Promise<void> {
    if (!this.canSell) return Promise.resolve();
    return this.#run(async () => {
      if (!this.canSell) return;
      try {
        this.tillState = await this.#api.tillState();
      } catch (reason) {
        // A banner that cannot be loaded is no reason to stop selling; not_logged_in still locks.
        this.#fail(reason);
      }
    });
  }

  /** The customer wants this sale's receipt as a file (true) or on paper (false). */
  setElectronicReceipt(on: boolean): Promise<boolean> {
    if (!this.canSell || this.receipt !== null || this.submitting) return Promise.resolve(false);
    return this.#run(async () => {
      try {
        this.tillState = await this.#api.setElectronicReceipt(on);
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  /** The one copy (KOPIA) of the receipt shown; a second is refused with `already_done`. */
  copyReceipt(output: CopyOutput): Promise<boolean> {
    const receipt = this.receipt;
    if (!receipt || !canCopy(receipt) || this.copying || !this.canSell) return Promise.resolve(false);
    this.copying = true;
    return this.#run(async () => {
      try {
        const [copy, delivery] = await this.#api.copyReceipt(receipt.receipt_no, output);
        if (this.receipt === receipt) this.receiptCopy = { receipt: copy, delivery };
        this.error = null;
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      } finally {
        this.copying = false;
      }
    });
  }

  /** A pro forma receipt (EJ KVITTO) of the sale in progress, shown over it; the sale goes on. */
  makeProForma(): Promise<boolean> {
    if (!this.#canEdit() || !this.hasItems) return Promise.resolve(false);
    this.proForma = null;
    return this.#run(async () => {
      try {
        const [receipt, delivery] = await this.#api.proForma();
        this.proForma = { receipt, delivery };
        this.error = null;
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  closeProForma(): void {
    this.proForma = null;
  }

  /** Returns are taken on an empty till: no sale in progress, no receipt, no payment. */
  get canReturn(): boolean {
    return this.canSell && this.receipt === null && !this.paying && !this.hasItems;
  }

  /** Looks up receipt `rawNo` (digits) for a return: `returnPlan` says what is left of it. */
  loadReturnPlan(rawNo: string): Promise<boolean> {
    const no = rawNo.trim();
    if (!/^\d{1,15}$/.test(no)) {
      this.error = inputError('errReceiptNo');
      return Promise.resolve(false);
    }
    if (!this.canReturn) return Promise.resolve(false);
    return this.#run(async () => {
      try {
        this.returnPlan = await this.#api.returnPlan(Number(no));
        this.error = null;
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  clearReturn(): void {
    this.returnPlan = null;
  }

  /**
   * Takes goods back against receipt `receiptNo` (quantities with a dot decimal); a cashier
   * may need a manager's approval (the approval dialog opens over the return). Once done, the
   * return's receipt shows.
   */
  returnItems(receiptNo: number, lines: ReturnRequest[], rawReason: string, approval: Approval | null = null): Promise<Outcome> {
    const reason = rawReason.trim();
    if (!reason || lines.length === 0 || !this.canReturn) return Promise.resolve('failed');
    let outcome: ReturnOutcome | null = null;
    return this.#withApproval(
      { kind: 'return', subject: '' },
      approval,
      async (a) => {
        outcome = await this.#api.returnItems(receiptNo, lines, reason, a);
        return null;
      },
      () => {
        const done = outcome as ReturnOutcome | null;
        if (!done) return;
        this.returnPlan = null;
        this.#showReceipt(done.receipt, done.delivery, done.to_cash_instead);
      },
    );
  }

  // ------------------------------------------------------------------- opening hours

  /** Events seen so far: an answer that was on its way while one came is older than it. */
  #hoursEvents = 0;

  /**
   * Keeps the newest state. An event always is; a command's answer only if no event came while
   * it was on its way (`seen`). Comparing the states' times would not do: the clock may be set
   * back.
   */
  #takeHours(status: HoursStatus, seen: number | null = null): void {
    if (seen === null) this.#hoursEvents += 1;
    else if (seen !== this.#hoursEvents) return;
    this.hours = status;
  }

  /** Subscribes to the backend's `hours-changed` event (once; outside Tauri it never fires). */
  #listenHours(): void {
    if (this.#hoursUnlisten || this.#disposed) return;
    this.#hoursUnlisten = this.#api
      .onHoursChanged((status) => {
        this.#takeHours(status);
        for (const listener of this.#hoursListeners) listener(status);
      })
      .catch(() => () => {});
  }

  /** Calls `listener` on every `hours-changed` event until the returned function is called. */
  watchHours(listener: (status: HoursStatus) => void): () => void {
    this.#listenHours();
    this.#hoursListeners.add(listener);
    return () => {
      this.#hoursListeners.delete(listener);
    };
  }

  /** Fetches the state now, quietly (after login); the event keeps it current from then on. */
  refreshHours(): Promise<void> {
    if (this.phase !== 'ready' || !this.session) return Promise.resolve();
    this.#listenHours();
    return this.#run(async () => {
      try {
        const seen = this.#hoursEvents;
        this.#takeHours(await this.#api.hoursStatus(), seen);
      } catch (reason) {
        // The chip and the banner wait for the next event; not_logged_in still locks.
        this.#fail(reason);
      }
    });
  }

  /** A manager's command that answers with the whole view: the chip follows at once. */
  async #hoursCall(task: () => Promise<HoursInfo>): Promise<HoursInfo> {
    const seen = this.#hoursEvents;
    const view = await this.#managerCall(task);
    this.#takeHours(view.status, seen);
    return view;
  }

  /** The hours now, the coming week, the changes in force and the settings. */
  hoursView(): Promise<HoursInfo> {
    return this.#hoursCall(() => this.#api.hoursView());
  }

  setOpeningHours(form: OpeningHoursForm, reason: string): Promise<HoursInfo> {
    return this.#hoursCall(() => this.#api.setOpeningHours(form, reason));
  }

  /** A temporary change, or close now / open now. */
  addHoursChange(request: ChangeRequest, reason: string): Promise<HoursChange> {
    return this.#managerCall(() => this.#api.addHoursChange(request, reason));
  }

  endHoursChange(id: number, reason: string): Promise<HoursChange> {
    return this.#managerCall(() => this.#api.endHoursChange(id, reason));
  }

  setCustomerNotice(notice: CustomerNotice, reason: string): Promise<HoursInfo> {
    return this.#hoursCall(() => this.#api.setCustomerNotice(notice, reason));
  }

  setFeedHttp(feed: FeedHttp, reason: string): Promise<HoursInfo> {
    return this.#hoursCall(() => this.#api.setFeedHttp(feed, reason));
  }

  // ------------------------------------------------------------ payment methods (issue 7)

  /** Events seen so far: an answer that was on its way while one came is older than it. */
  #paymentsEvents = 0;

  /** Keeps the newest state, as `#takeHours` does: an event always, an answer if none came meanwhile. */
  #takePayments(status: PaymentsStatus, seen: number | null = null): void {
    if (seen === null) this.#paymentsEvents += 1;
    else if (seen !== this.#paymentsEvents) return;
    this.payments = status;
  }

  /** Subscribes to the backend's `payments-changed` event (once; outside Tauri it never fires). */
  #listenPayments(): void {
    if (this.#paymentsUnlisten || this.#disposed) return;
    this.#paymentsUnlisten = this.#api
      .onPaymentsChanged((status) => {
        this.#takePayments(status);
        for (const listener of this.#paymentsListeners) listener(status);
      })
      .catch(() => () => {});
  }

  /** Calls `listener` on every `payments-changed` event until the returned function is called. */
  watchPayments(listener: (status: PaymentsStatus) => void): () => void {
    this.#listenPayments();
    this.#paymentsListeners.add(listener);
    return () => {
      this.#paymentsListeners.delete(listener);
    };
  }

  /**
   * Fetches the methods in force, quietly (after login; a kiosk, which cannot sell, does not
   * ask); the event keeps them current from then on.
   */
  refreshPayments(): Promise<void> {
    if (!this.canSell || !this.session) return Promise.resolve();
    this.#listenPayments();
    return this.#run(async () => {
      try {
        const seen = this.#paymentsEvents;
        this.#takePayments(await this.#api.paymentsStatus(), seen);
      } catch (reason) {
        // The panel offers every method and the backend checks each; not_logged_in still locks.
        this.#fail(reason);
      }
    });
  }

  /** A command that answers with the manager's view: the till's panel and banner follow at once. */
  async #paymentsCall(task: () => Promise<PaymentsInfo>): Promise<PaymentsInfo> {
    const seen = this.#paymentsEvents;
    const view = await this.#managerCall(task);
    this.#takePayments(statusOfView(view), seen);
    return view;
  }

  /** The methods in force, the changes, the rules, the links' health and the offline report. */
  paymentsView(): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.paymentsView());
  }

  /** Managers, with a reason. */
  setPaymentMethod(form: SetMethod, reason: string): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.setPaymentMethod(form, reason));
  }

  endPaymentChange(id: number, reason: string): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.endPaymentChange(id, reason));
  }

  setOfflineCaps(caps: CapsForm, reason: string): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.setOfflineCaps(caps, reason));
  }

  setFallbackRules(rules: FallbackRule[], reason: string): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.setFallbackRules(rules, reason));
  }

  /** Asks the terminal what it has forwarded of the offline card payments. */
  forwardOffline(): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.forwardOffline());
  }

  /** The demo's simulated links, from the manager's page (the error is the page's to show). */
  simulatePaymentsHealth(health: LinkHealth): Promise<PaymentsInfo> {
    return this.#paymentsCall(() => this.#api.simulateHealth(health));
  }

  /**
   * Opens the customer display in its own window (or brings it forward), for a screen turned
   * to the customers; anyone who sells. Not queued behind the sale's commands: it changes
   * nothing on the till. ApiError on failure (not_logged_in also locks).
   */
  async openCustomerDisplay(): Promise<void> {
    try {
      await this.#api.openCustomerDisplay();
    } catch (reason) {
      const error = toApiError(reason);
      this.#fail(error);
      throw error;
    }
  }

  /** Today's Scan & Pay purchases and their exit checks (anyone who sells). */
  scanAndPayDay(): Promise<ScanAndPayDay> {
    return this.#managerCall(() => this.#api.scanAndPayDay(null));
  }

  /** A file of app purchases (read in the webview); with any error nothing is taken. */
  importScanAndPay(contents: string): Promise<ReceiveReport> {
    return this.#managerCall(() => this.#api.importScanAndPay(contents));
  }

  /** A discrepancy needs a note (the backend refuses one without). */
  checkExit(purchaseId: string, result: ExitResult, note: string): Promise<ScanAndPayDay> {
    return this.#managerCall(() => this.#api.checkExit(purchaseId, result, note));
  }

  /** A new token for the app service's POSTs (shown once), or (`on` false) the POSTs off. */
  scanAndPayToken(on: boolean, reason: string): Promise<string | null> {
    return this.#managerCall(() => this.#api.scanAndPayToken(on, reason));
  }

  // ------------------------------------------------- degraded mode: the status board (issue 8)

  /** Events seen so far: an answer that was on its way while one came is older than it. */
  #boardEvents = 0;

  /** Keeps the newest board, as `#takeHours` does: an event always, an answer if none came meanwhile. */
  #takeBoard(board: StatusBoard, seen: number | null = null): void {
    if (seen === null) this.#boardEvents += 1;
    else if (seen !== this.#boardEvents) return;
    this.board = board;
  }

  /** Subscribes to the backend's `status-changed` event (once; outside Tauri it never fires). */
  #listenBoard(): void {
    if (this.#boardUnlisten || this.#disposed) return;
    this.#boardUnlisten = this.#api
      .onStatusChanged((board) => {
        this.#takeBoard(board);
        for (const listener of this.#boardListeners) listener(board);
      })
      .catch(() => () => {});
  }

  /** Calls `listener` on every `status-changed` event until the returned function is called. */
  watchBoard(listener: (board: StatusBoard) => void): () => void {
    this.#listenBoard();
    this.#boardListeners.add(listener);
    return () => {
      this.#boardListeners.delete(listener);
    };
  }

  /**
   * Fetches the board, quietly (after login; everyone logged in sees it, a kiosk too); the
   * event keeps it current from then on.
   */
  refreshBoard(): Promise<void> {
    if (this.phase !== 'ready' || !this.session) return Promise.resolve();
    this.#listenBoard();
    return this.#run(async () => {
      try {
        const seen = this.#boardEvents;
        this.#takeBoard(await this.#api.statusBoard(), seen);
      } catch (reason) {
        // The chip and the banner wait for the next event; not_logged_in still locks.
        this.#fail(reason);
      }
    });
  }

  /** A command that answers with the board: the chip, the banner and the page follow at once. */
  async #boardCall(task: () => Promise<StatusBoard>): Promise<StatusBoard> {
    this.#listenBoard();
    const seen = this.#boardEvents;
    const board = await this.#managerCall(task);
    this.#takeBoard(board, seen);
    return board;
  }

  /** The board now, for a page that has none yet (ApiError on failure). */
  readBoard(): Promise<StatusBoard> {
    return this.#boardCall(() => this.#api.statusBoard());
  }

  /** Managers, with a reason: island mode on (every remote control cut) or off. */
  setIsland(on: boolean, reason: string): Promise<StatusBoard> {
    return this.#boardCall(() => this.#api.setIsland(on, reason));
  }

  incidents(): Promise<IncidentSummary[]> {
    return this.#managerCall(() => this.#api.incidents());
  }

  incidentReport(id: number): Promise<IncidentReport> {
    return this.#managerCall(() => this.#api.incidentReport(id));
  }

  /** A note or (`decision`) a decision on the incident's timeline; answers with the report. */
  addIncidentNote(id: number, text: string, decision: boolean): Promise<IncidentReport> {
    return this.#managerCall(() => this.#api.addIncidentNote(id, text, decision));
  }

  /** The board follows by the backend's event. */
  startDrill(failures: Dependency[], reason: string): Promise<IncidentSummary> {
    return this.#managerCall(() => this.#api.startDrill(failures, reason));
  }

  endDrill(reason: string): Promise<IncidentSummary> {
    return this.#managerCall(() => this.#api.endDrill(reason));
  }

  pinHqKey(key: PinnedKey, reason: string): Promise<StatusBoard> {
    return this.#boardCall(() => this.#api.pinHqKey(key, reason));
  }

  remoteLog(): Promise<Received[]> {
    return this.#managerCall(() => this.#api.remoteLog());
  }

  // ----------------------------------------------- backups and restore (issue 10)

  backupStatus(): Promise<BackupStatus> {
    return this.#managerCall(() => this.#api.backupStatus());
  }

  configureBackups(config: BackupConfig, reason: string): Promise<BackupStatus> {
    return this.#managerCall(() => this.#api.configureBackups(config, reason));
  }

  backupNow(): Promise<BackupRecord> {
    return this.#managerCall(() => this.#api.backupNow());
  }

  catchUp(): Promise<number> {
    return this.#managerCall(() => this.#api.catchUp());
  }

  /** The restore flow runs where the store did not open or is new: no session, no lock. */
  findBackups(folder: string): Promise<FoundBackup[]> {
    return this.#run(() => this.#api.findBackups(folder));
  }

  restoreBackup(file: string, keyFile: string, reason: string): Promise<RestoreOutcome> {
    return this.#run(() => this.#api.restoreBackup(file, keyFile, reason));
  }

  restartApp(): Promise<null> {
    return this.#run(() => this.#api.restartApp());
  }

  onBackupProgress(handler: (progress: Progress) => void): Promise<() => void> {
    return this.#api.onBackupProgress(handler);
  }

  /**
   * SIMULATOR (demo): what a simulated dependency answers. The monitor notices at its next
   * probes (a few seconds), and the board then follows by the event.
   */
  simulateDependency(dependency: Dependency, health: SimHealth): Promise<StatusBoard> {
    return this.#boardCall(() => this.#api.simulateDependency(dependency, health));
  }

  // ----------------------------------------------- simulated devices (demo)

  #simulate(call: () => Promise<null>): Promise<boolean> {
    if (!this.status?.simulated_devices || this.phase !== 'ready') return Promise.resolve(false);
    return this.#run(async () => {
      try {
        await call();
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  simulateCard(next: SimCard): Promise<boolean> {
    return this.#simulate(() => this.#api.simulateCard(next));
  }

  simulateSwish(next: SimSwish): Promise<boolean> {
    return this.#simulate(() => this.#api.simulateSwish(next));
  }

  /** The simulated control unit fails (true) or works again (false). */
  simulateControlUnit(failing: boolean): Promise<boolean> {
    if (!this.status?.simulated_devices || this.phase !== 'ready') return Promise.resolve(false);
    return this.#run(async () => {
      try {
        this.tillState = await this.#api.simulateControlUnit(failing);
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  /** The simulated links to the card acquirer and Swish (the fallback rules act on them). */
  simulateHealth(health: LinkHealth): Promise<boolean> {
    if (!this.status?.simulated_devices || this.phase !== 'ready') return Promise.resolve(false);
    const seen = this.#paymentsEvents;
    return this.#run(async () => {
      try {
        this.#takePayments(statusOfView(await this.#api.simulateHealth(health)), seen);
        return true;
      } catch (reason) {
        this.error = this.#fail(reason);
        return false;
      }
    });
  }

  simulateScale(kg: string, stable: boolean): Promise<boolean> {
    const value = kg.trim();
    if (!value) return Promise.resolve(false);
    return this.#simulate(() => this.#api.simulateScale(value, stable));
  }
}

/** Payments taken, one waiting (Swish) or one of unknown outcome (card). */
function paymentUnderway(view: SaleView): boolean {
  return view.cart.tenders.length > 0 || view.swish !== null || view.card_unknown;
}

/** An empty amount field means "the rest of the sale". */
function blankToNull(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed ? trimmed : null;
}
