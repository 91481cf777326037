// State and actions of the till screen, independent of the markup.
//
// Every backend command goes through one serial queue, so scans, payments and
// cart refreshes reach the backend strictly in the order the cashier made
// them, one at a time: a burst of scans is never merged or reordered, and a
// payment waits for the scans before it.

import { api as defaultApi, toApiError, type Api } from './api';
import type {
  ApiError,
  Approval,
  AuditEntry,
  AuditFilter,
  PricedCart,
  Receipt,
  Role,
  SessionInfo,
  StaffMember,
  StoreStatus,
} from './bindings';
import { createSerialQueue } from './queue';

/**
 * `locked`: nobody is logged in (lock screen); `first_manager`: no staff exist
 * yet. The sale in progress survives a lock: the backend keeps it.
 */
export type Phase = 'loading' | 'failed' | 'not_setup' | 'first_manager' | 'locked' | 'ready';

/** What a manager looks at; everyone else only ever sees the till. */
export type View = 'till' | 'staff' | 'audit';

/** A void waiting for a manager's PIN. */
export type PendingVoid = { index: number; name: string };

export class Till {
  phase = $state<Phase>('loading');
  status = $state.raw<StoreStatus | null>(null);
  cart = $state.raw<PricedCart | null>(null);
  receipt = $state.raw<Receipt | null>(null);
  error = $state.raw<ApiError | null>(null);
  /** The cash payment panel is open. */
  paying = $state(false);
  /** A pay_cash call is in flight. */
  submitting = $state(false);
  /** Commands enqueued and not yet answered. */
  pending = $state(0);
  session = $state.raw<SessionInfo | null>(null);
  view = $state<View>('till');
  /** The last failed login or first-manager attempt (shown on the lock screen). */
  loginError = $state.raw<ApiError | null>(null);
  /** A login or first-manager call is in flight. */
  loggingIn = $state(false);
  /** The approval dialog is open for this void. */
  pendingVoid = $state.raw<PendingVoid | null>(null);
  approvalError = $state.raw<ApiError | null>(null);
  approving = $state(false);

  readonly #api: Api;
  readonly #enqueue = createSerialQueue();

  constructor(api: Api = defaultApi) {
    this.#api = api;
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
    this.pendingVoid = null;
    this.approvalError = null;
    this.error = null;
    this.loginError = null;
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
      this.cart = await this.#run(() => this.#api.currentCart());
      this.phase = 'ready';
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
    return this.#run(async () => {
      try {
        this.cart = await this.#api.currentCart();
      } catch (reason) {
        this.error = this.#fail(reason);
      }
    });
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

  /** Voids cart line `index`; a cashier's void opens the approval dialog. */
  voidLine(index: number, approval: Approval | null = null): Promise<void> {
    if (!this.canSell || this.receipt || this.paying) return Promise.resolve();
    const line = this.cart?.lines[index];
    if (!line) return Promise.resolve();
    if (approval) this.approving = true;
    return this.#run(async () => {
      try {
        this.cart = await this.#api.voidLine(index, approval);
        this.error = null;
        this.pendingVoid = null;
        this.approvalError = null;
      } catch (reason) {
        const error = this.#fail(reason);
        if (!error) return;
        if (error.code === 'needs_approval' && !approval) {
          this.pendingVoid = { index, name: line.name };
          this.approvalError = null;
        } else if (approval) {
          this.approvalError = error;
        } else {
          this.error = error;
        }
      } finally {
        this.approving = false;
      }
    });
  }

  cancelApproval(): void {
    if (this.approving) return;
    this.pendingVoid = null;
    this.approvalError = null;
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

  /** Keeps the lock screen's and approval dialog's staff list current. */
  async #refreshStaff(): Promise<void> {
    try {
      const status = await this.#run(() => this.#api.storeStatus());
      if (this.status) this.status = { ...this.status, staff: status.staff };
    } catch {
      // Not important enough to show.
    }
  }

  /** Sends one typed or scanned code; resolves when the backend answered. */
  scan(rawCode: string): Promise<void> {
    const code = rawCode.trim();
    if (!code || !this.canSell) return Promise.resolve();
    return this.#run(async () => {
      try {
        this.cart = await this.#api.scan(code);
        this.error = null;
      } catch (reason) {
        // The cart stays exactly as it was: a bad scan never clears it.
        this.error = this.#fail(reason);
      }
    });
  }

  /** Opens the cash payment panel; false when there is nothing to pay. */
  openPayment(): boolean {
    if (!this.canPay || this.paying) return false;
    this.paying = true;
    return true;
  }

  closePayment(): void {
    if (this.submitting) return;
    this.paying = false;
    if (this.error && (this.error.code === 'insufficient_cash' || this.error.code === 'invalid_amount')) {
      this.error = null;
    }
  }

  /** Completes the sale in cash. On success the receipt is shown. */
  pay(rawTendered: string): Promise<void> {
    const tendered = rawTendered.trim();
    if (!tendered || this.submitting || !this.paying) return Promise.resolve();
    this.submitting = true;
    return this.#run(async () => {
      try {
        this.receipt = await this.#api.payCash(tendered);
        // The backend closed the sale; its cart is empty now.
        this.cart = null;
        this.error = null;
        this.paying = false;
      } catch (reason) {
        this.error = this.#fail(reason);
      } finally {
        this.submitting = false;
      }
    });
  }

  /** Leaves the receipt and shows the (new, empty) current cart. */
  newSale(): Promise<void> {
    if (this.receipt === null) return Promise.resolve();
    this.receipt = null;
    this.error = null;
    return this.#run(async () => {
      try {
        this.cart = await this.#api.currentCart();
      } catch (reason) {
        this.error = this.#fail(reason);
      }
    });
  }
}
