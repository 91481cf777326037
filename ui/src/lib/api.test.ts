import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import { api, toApiError } from './api';

const invokeMock = vi.mocked(invoke);

describe('toApiError', () => {
  // The UI's own errors are worded in Swedish too, around the technical detail.
  const internal = (message: string) => ({ code: 'internal', message, message_sv: `Internt fel i kassan: ${message}` });

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

  it('says in both languages that the backend is missing outside the app', () => {
    expect(toApiError(new TypeError('invoke is undefined'))).toEqual({
      code: 'internal',
      message: 'The till backend is not available (not running inside the Storekeep app): invoke is undefined',
      message_sv: 'Kassaprogrammet går inte att nå (sidan körs inte i Storekeep-appen): invoke is undefined',
    });
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
    await api.payCash('100,50', false);
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
      ['pay_cash', { tendered: '100,50', partial: false }],
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

  it('calls the sale and payment commands with camelCase argument names', async () => {
    invokeMock.mockResolvedValue({});
    const discount = { kind: 'percent' as const, value: '10', reason: 'Skadad' };
    const approval = { manager_id: 1, pin: '1111' };
    await api.payCash('50', true);
    await api.payCard(null);
    await api.payCard('25,50');
    await api.clearUnknownCard('Terminalen visar nekad', approval);
    await api.swishStart(null);
    await api.swishPoll();
    await api.swishCancel();
    await api.payVoucher('GIFT-1', '100');
    await api.searchCatalog('ban');
    await api.addItem(4, null, '0,452');
    await api.weigh(4);
    await api.setQuantity(1, '3');
    await api.setLineDiscount(0, discount, null);
    await api.setSaleDiscount(null, approval);
    await api.parkSale();
    await api.parkedSales();
    await api.resumeSale(9);
    await api.abandonSale('Kunden gick', approval);
    await api.openDrawer('Växla', null);
    await api.simulateCard('timeout_after_charge');
    await api.simulateSwish('decline');
    await api.simulateScale('0.452', false);
    expect(invokeMock.mock.calls).toEqual([
      ['pay_cash', { tendered: '50', partial: true }],
      ['pay_card', { amount: null }],
      ['pay_card', { amount: '25,50' }],
      ['clear_unknown_card', { reason: 'Terminalen visar nekad', approval }],
      ['swish_start', { amount: null }],
      ['swish_poll', undefined],
      ['swish_cancel', undefined],
      ['pay_voucher', { code: 'GIFT-1', amount: '100' }],
      ['search_catalog', { query: 'ban' }],
      ['add_item', { productId: 4, quantity: null, weight: '0,452' }],
      ['weigh', { productId: 4 }],
      ['set_quantity', { index: 1, value: '3' }],
      ['set_line_discount', { index: 0, discount, approval: null }],
      ['set_sale_discount', { discount: null, approval }],
      ['park_sale', undefined],
      ['parked_sales', undefined],
      ['resume_sale', { parkedId: 9 }],
      ['abandon_sale', { reason: 'Kunden gick', approval }],
      ['open_drawer', { reason: 'Växla', approval: null }],
      ['simulate_card', { next: 'timeout_after_charge' }],
      ['simulate_swish', { next: 'decline' }],
      ['simulate_scale', { kg: '0.452', stable: false }],
    ]);
  });

  it('calls the degraded-mode commands with their argument names', async () => {
    invokeMock.mockResolvedValue({});
    const settings = {
      probe: { interval_ms: 1000, timeout_ms: 500, fail_after: 2, recover_after: 2 },
      targets: { swish: { kind: 'simulated' as const } },
      island_on_forgery: true,
    };
    const key = { public_key: 'ab'.repeat(32), store_id: 'BUTIK-7' };
    await api.statusBoard();
    await api.setIsland(true, 'Intrång');
    await api.incidents();
    await api.incidentReport(5);
    await api.addIncidentNote(5, 'Ringde banken', false);
    await api.addIncidentNote(5, 'Vi kör kontant', true);
    await api.startDrill(['card_acquirer', 'swish'], 'Övning');
    await api.endDrill('Klart');
    await api.setHealthSettings(settings, 'Snabbare');
    await api.pinHqKey(key, 'Ny nyckel');
    await api.remoteLog();
    await api.simulateDependency('card_acquirer', 'silent');
    expect(invokeMock.mock.calls).toEqual([
      ['status_board', undefined],
      ['set_island', { on: true, reason: 'Intrång' }],
      ['incidents', undefined],
      ['incident_report', { id: 5 }],
      ['add_incident_note', { id: 5, text: 'Ringde banken', decision: false }],
      ['add_incident_note', { id: 5, text: 'Vi kör kontant', decision: true }],
      ['start_drill', { failures: ['card_acquirer', 'swish'], reason: 'Övning' }],
      ['end_drill', { reason: 'Klart' }],
      ['set_health_settings', { settings, reason: 'Snabbare' }],
      ['pin_hq_key', { key, reason: 'Ny nyckel' }],
      ['remote_log', undefined],
      ['simulate_dependency', { dependency: 'card_acquirer', health: 'silent' }],
    ]);
  });

  it('knows the payment and device error codes', () => {
    for (const code of ['card_declined', 'payment_unknown', 'device_unavailable', 'swish_declined', 'payment_pending', 'voucher_invalid', 'scale_not_ready', 'remote_refused']) {
      const error = { code, message: 'm', message_sv: 's' };
      expect(toApiError(error)).toEqual(error);
    }
  });

  it('rejects with an ApiError whatever the backend rejected with', async () => {
    const unknown = { code: 'unknown_product', message: 'Unknown item', message_sv: 'Okänd vara' };
    invokeMock.mockRejectedValueOnce(unknown);
    await expect(api.scan('1')).rejects.toEqual(unknown);
    invokeMock.mockRejectedValueOnce('plain failure');
    await expect(api.scan('1')).rejects.toEqual({
      code: 'internal',
      message: 'plain failure',
      message_sv: 'Internt fel i kassan: plain failure',
    });
  });
});
