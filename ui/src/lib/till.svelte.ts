// State and actions of the till screen, independent of the markup.
//
// Every backend command goes through one serial queue, so scans, payments and
// cart refreshes reach the backend strictly in the order the cashier made
// them, one at a time: a burst of scans is never merged or reordered, and a
// payment waits for the scans before it.

import { api as defaultApi, toApiError, type Api } from './api';
import type { ApiError, PricedCart, Receipt, StoreStatus } from './bindings';
import { createSerialQueue } from './queue';

export type Phase = 'loading' | 'failed' | 'not_setup' | 'ready';

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

  readonly #api: Api;
  readonly #enqueue = createSerialQueue();

  constructor(api: Api = defaultApi) {
    this.#api = api;
  }

  get hasItems(): boolean {
    return (this.cart?.lines.length ?? 0) > 0;
  }

  get canPay(): boolean {
    return this.phase === 'ready' && this.receipt === null && this.hasItems && !this.submitting;
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
      this.cart = await this.#run(() => this.#api.currentCart());
      this.phase = 'ready';
    } catch (reason) {
      const error = toApiError(reason);
      this.error = error;
      this.phase = error.code === 'store_not_initialized' ? 'not_setup' : 'failed';
    }
  }

  /** Sends one typed or scanned code; resolves when the backend answered. */
  scan(rawCode: string): Promise<void> {
    const code = rawCode.trim();
    if (!code || this.phase !== 'ready') return Promise.resolve();
    return this.#run(async () => {
      try {
        this.cart = await this.#api.scan(code);
        this.error = null;
      } catch (reason) {
        // The cart stays exactly as it was: a bad scan never clears it.
        this.error = toApiError(reason);
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
        this.error = toApiError(reason);
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
        this.error = toApiError(reason);
      }
    });
  }
}
