import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import { api, toApiError } from './api';

const invokeMock = vi.mocked(invoke);

describe('toApiError', () => {
  const internal = (message: string) => ({ code: 'internal', message, message_sv: message });

  it('passes an ApiError through in both languages', () => {
    const error = { code: 'bad_check_digit', message: 'Wrong check digit', message_sv: 'Fel kontrollsiffra' };
    expect(toApiError(error)).toEqual(error);
    const locked = { code: 'not_logged_in', message: 'Nobody is logged in', message_sv: 'Ingen är inloggad' };
    expect(toApiError(locked)).toEqual(locked);
  });

  it('uses the English text for Swedish when a backend sent only one', () => {
    expect(toApiError({ code: 'storage', message: 'Disk trouble' })).toEqual({
      code: 'storage',
      message: 'Disk trouble',
      message_sv: 'Disk trouble',
    });
  });

  it('normalises a plain string', () => {
    expect(toApiError('database is locked')).toEqual(internal('database is locked'));
  });

  it('normalises an Error and unknown codes', () => {
    expect(toApiError(new Error('boom'))).toEqual(internal('boom'));
    expect(toApiError({ code: 'something_new', message: 'Hmm' })).toEqual(internal('Hmm'));
    expect(toApiError(42)).toEqual(internal('42'));
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
    await api.login(2, '1234');
    await api.logout();
    await api.createFirstManager('Anna', '1111');
    await api.voidLine(0, null);
    await api.voidLine(1, { manager_id: 1, pin: '1111' });
    await api.listStaff();
    await api.createStaff('Kim', 'kiosk', '3333');
    await api.disableStaff(3, 'Slutat');
    const filter = { action_prefix: 'sale.', actor_id: null, outcome: 'refused' as const, limit: 50 };
    await api.auditList(filter);
    expect(invokeMock.mock.calls).toEqual([
      ['store_status', undefined],
      ['current_cart', undefined],
      ['scan', { code: '7310865004703' }],
      ['pay_cash', { tendered: '100,50' }],
      ['receipt', { receiptNo: 7 }],
      ['login', { staffId: 2, pin: '1234' }],
      ['logout', undefined],
      ['create_first_manager', { name: 'Anna', pin: '1111' }],
      ['void_line', { index: 0, approval: null }],
      ['void_line', { index: 1, approval: { manager_id: 1, pin: '1111' } }],
      ['list_staff', undefined],
      ['create_staff', { name: 'Kim', role: 'kiosk', pin: '3333' }],
      ['disable_staff', { staffId: 3, reason: 'Slutat' }],
      ['audit_list', { filter }],
    ]);
  });

  it('rejects with an ApiError whatever the backend rejected with', async () => {
    const unknown = { code: 'unknown_product', message: 'Unknown item', message_sv: 'Okänd vara' };
    invokeMock.mockRejectedValueOnce(unknown);
    await expect(api.scan('1')).rejects.toEqual(unknown);
    invokeMock.mockRejectedValueOnce('plain failure');
    await expect(api.scan('1')).rejects.toEqual({ code: 'internal', message: 'plain failure', message_sv: 'plain failure' });
  });
});
