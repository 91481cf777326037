// Typed wrappers around the Tauri commands of the Rust backend.
// Every rejection is normalised to an ApiError so the UI has one error shape.

import { invoke } from '@tauri-apps/api/core';
import type { ApiError, ErrorCode, PricedCart, Receipt, StoreStatus } from './bindings';

const ERROR_CODES: readonly ErrorCode[] = [
  'invalid_barcode',
  'bad_check_digit',
  'unknown_product',
  'measure_mismatch',
  'empty_sale',
  'insufficient_cash',
  'invalid_amount',
  'store_not_initialized',
  'database_locked',
  'database_corrupt',
  'database_too_new',
  'storage',
  'journal_broken',
  'internal',
];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

/** True when the page runs inside the Tauri webview (IPC bridge present). */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

/**
 * Turns whatever a command rejected with into an ApiError.
 * A proper `{code, message}` passes through; a plain string, an Error or an
 * object with an unknown code becomes `{code: "internal", message}`.
 */
export function toApiError(reason: unknown): ApiError {
  if (isApiError(reason)) return { code: reason.code, message: reason.message };
  if (typeof reason === 'string') return { code: 'internal', message: reason };
  if (reason instanceof Error) {
    const message =
      reason instanceof TypeError && !inTauri()
        ? `The till backend is not available (not running inside the Storekeep app): ${reason.message}`
        : reason.message;
    return { code: 'internal', message };
  }
  if (typeof reason === 'object' && reason !== null) {
    const msg = (reason as Record<string, unknown>).message;
    if (typeof msg === 'string') return { code: 'internal', message: msg };
    try {
      return { code: 'internal', message: JSON.stringify(reason) };
    } catch {
      return { code: 'internal', message: String(reason) };
    }
  }
  return { code: 'internal', message: String(reason) };
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
  currentCart(): Promise<PricedCart>;
  /** `code` is the raw string typed or scanned. */
  scan(code: string): Promise<PricedCart>;
  /** `tendered` as typed by the cashier, e.g. "100" or "100,50". */
  payCash(tendered: string): Promise<Receipt>;
  receipt(receiptNo: number): Promise<Receipt>;
};

export const api: Api = {
  storeStatus: () => call<StoreStatus>('store_status'),
  currentCart: () => call<PricedCart>('current_cart'),
  scan: (code) => call<PricedCart>('scan', { code }),
  payCash: (tendered) => call<Receipt>('pay_cash', { tendered }),
  receipt: (receiptNo) => call<Receipt>('receipt', { receiptNo }),
};
