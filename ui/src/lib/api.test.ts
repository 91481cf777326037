import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import { api, toApiError } from './api';

const invokeMock = vi.mocked(invoke);

describe('toApiError', () => {
  it('passes an ApiError through', () => {
    expect(toApiError({ code: 'bad_check_digit', message: 'Fel kontrollsiffra' })).toEqual({
      code: 'bad_check_digit',
      message: 'Fel kontrollsiffra',
    });
  });

  it('normalises a plain string', () => {
    expect(toApiError('database is locked')).toEqual({ code: 'internal', message: 'database is locked' });
  });

  it('normalises an Error and unknown codes', () => {
    expect(toApiError(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toApiError({ code: 'something_new', message: 'Hmm' })).toEqual({ code: 'internal', message: 'Hmm' });
    expect(toApiError(42)).toEqual({ code: 'internal', message: '42' });
  });
});

describe('api', () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it('calls the Tauri commands with camelCase argument names', async () => {
    invokeMock.mockResolvedValue({});
    await api.storeStatus();
    await api.currentCart();
    await api.scan('7310865004703');
    await api.payCash('100,50');
    await api.receipt(7);
    expect(invokeMock.mock.calls).toEqual([
      ['store_status', undefined],
      ['current_cart', undefined],
      ['scan', { code: '7310865004703' }],
      ['pay_cash', { tendered: '100,50' }],
      ['receipt', { receiptNo: 7 }],
    ]);
  });

  it('rejects with an ApiError whatever the backend rejected with', async () => {
    invokeMock.mockRejectedValueOnce({ code: 'unknown_product', message: 'Okänd vara' });
    await expect(api.scan('1')).rejects.toEqual({ code: 'unknown_product', message: 'Okänd vara' });
    invokeMock.mockRejectedValueOnce('plain failure');
    await expect(api.scan('1')).rejects.toEqual({ code: 'internal', message: 'plain failure' });
  });
});
