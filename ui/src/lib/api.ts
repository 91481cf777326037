// Typed wrappers around the Tauri commands of the Rust backend.
// Every rejection is normalised to an ApiError so the UI has one error shape.

import { invoke } from '@tauri-apps/api/core';
import type {
  ApiError,
  Approval,
  AuditEntry,
  AuditFilter,
  ErrorCode,
  PricedCart,
  Receipt,
  Role,
  SessionInfo,
  StaffMember,
  StoreStatus,
} from './bindings';

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
  internal: true,
  not_logged_in: true,
  wrong_pin: true,
  locked_out: true,
  staff_disabled: true,
  not_allowed: true,
  needs_approval: true,
  invalid_input: true,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/** An error that did not come from the backend: the same text in both languages. */
function internal(message: string): ApiError {
  return { code: 'internal', message, message_sv: message };
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
    const message =
      reason instanceof TypeError && !inTauri()
        ? `The till backend is not available (not running inside the Storekeep app): ${reason.message}`
        : reason.message;
    return internal(message);
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
  currentCart(): Promise<PricedCart>;
  /** `code` is the raw string typed or scanned. */
  scan(code: string): Promise<PricedCart>;
  /** `tendered` as typed by the cashier, e.g. "100" or "100,50". */
  payCash(tendered: string): Promise<Receipt>;
  receipt(receiptNo: number): Promise<Receipt>;
  /** `index` is the 0-based cart line; a cashier needs a manager's approval. */
  voidLine(index: number, approval: Approval | null): Promise<PricedCart>;
  listStaff(): Promise<StaffMember[]>;
  createStaff(name: string, role: Role, pin: string): Promise<StaffMember>;
  disableStaff(staffId: number, reason: string): Promise<StaffMember>;
  auditList(filter: AuditFilter): Promise<AuditEntry[]>;
};

export const api: Api = {
  storeStatus: () => call<StoreStatus>('store_status'),
  login: (staffId, pin) => call<SessionInfo>('login', { staffId, pin }),
  logout: () => call<null>('logout'),
  createFirstManager: (name, pin) => call<SessionInfo>('create_first_manager', { name, pin }),
  currentCart: () => call<PricedCart>('current_cart'),
  scan: (code) => call<PricedCart>('scan', { code }),
  payCash: (tendered) => call<Receipt>('pay_cash', { tendered }),
  receipt: (receiptNo) => call<Receipt>('receipt', { receiptNo }),
  voidLine: (index, approval) => call<PricedCart>('void_line', { index, approval }),
  listStaff: () => call<StaffMember[]>('list_staff'),
  createStaff: (name, role, pin) => call<StaffMember>('create_staff', { name, role, pin }),
  disableStaff: (staffId, reason) => call<StaffMember>('disable_staff', { staffId, reason }),
  auditList: (filter) => call<AuditEntry[]>('audit_list', { filter }),
};
