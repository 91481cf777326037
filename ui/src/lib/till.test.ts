import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from './api';
import type {
  ApiError,
  CatalogItem,
  PayOutcome,
  PaymentsStatus,
  Delivery,
  HoursStatus,
  HoursView,
  PricedCart,
  PricedLine,
  Receipt,
  ReturnPlan,
  SaleView,
  SessionInfo,
  StatusBoard,
  StoreStatus,
  Tender,
  TillState,
} from './bindings';
import { hoursStatus } from './testing/hours';
import { ANNA, inForce, NO_CARDS, offlineReport, paymentsStatus, paymentsView } from './testing/payments';
import { DEGRADED_MODE, incidentSummary, ISLAND_MODE, statusBoard } from './testing/status';
import { Till } from './till.svelte';

// ---------------------------------------------------------------- fixtures

function line(name: string, total = '10.00', extra: Partial<PricedLine> = {}): PricedLine {
  return {
    product_id: 1,
    code: '1',
    name,
    sold_by: 'each',
    quantity: '1',
    unit_price: total,
    line_total: total,
    vat_category: 'food',
    vat_percent: '12',
    discount_amount: '0.00',
    sale_discount_share: '0.00',
    discount: null,
    ...extra,
  };
}

function cart(lines: PricedLine[], extra: Partial<PricedCart> = {}): PricedCart {
  return {
    lines,
    subtotal: '100.00',
    line_discounts: '0.00',
    sale_discount: null,
    sale_discount_amount: '0.00',
    total: '100.00',
    vat: [],
    tenders: [],
    paid: '0.00',
    remaining: '100.00',
    cash_total: '100.00',
    cash_rounding: '0.00',
    outside_hours: null,
    ...extra,
  } as PricedCart;
}

function view(lines: PricedLine[], extra: Partial<SaleView> = {}, cartExtra: Partial<PricedCart> = {}): SaleView {
  return { cart: cart(lines, cartExtra), swish: null, card_unknown: false, parked: 0, ...extra };
}

const EMPTY = view([]);
const TWO = view([line('Mjölk'), line('Bröd')]);

const card50: Tender = { method: 'card', amount: '50.00', tendered: '50.00', change: '0.00', reference: 'AUTH1', offline: false };
const PART_PAID = view(TWO.cart.lines, {}, { tenders: [card50], paid: '50.00', remaining: '50.00', cash_total: '50.00' });

const receipt: Receipt = {
  company_name: 'Butiken AB',
  org_number: '556677-8899',
  address: 'Storgatan 1',
  register_id: 'KASSA-1',
  receipt_no: 7,
  date_time: '2025-03-01 14:05:09',
  lines: [],
  total: '100.00',
  rounding: '0.00',
  vat: [],
  vat_total: '10.71',
  payments: [],
  control: null,
  cashier: 'Kalle',
  kind: 'sale',
  copy: false,
  electronic: false,
  original_receipt_no: null,
};

const paid: PayOutcome = { status: 'paid', receipt };
const open = (sale: SaleView): PayOutcome => ({ status: 'open', sale });
const err = (code: ApiError['code'], message: string = code): ApiError => ({ code, message, message_sv: message });

const cashier: SessionInfo = { staff: { id: 2, name: 'Kalle', role: 'cashier', active: true }, idle_logout_seconds: 300 };
const status: StoreStatus = {
  identity: { company_name: 'Butiken AB', org_number: '556677-8899', address: 'Storgatan 1', register_id: 'KASSA-1' },
  demo: false,
  demo_items: [],
  staff: [cashier.staff, { id: 1, name: 'Anna', role: 'manager', active: true }],
  needs_first_manager: false,
  demo_staff: [],
  session: cashier,
  simulated_devices: true,
};

// ---------------------------------------------------------------- fake api

/** Every command is a mock; anything a test did not set up rejects loudly. */
function fakeApi(): { [K in keyof Api]: ReturnType<typeof vi.fn> } & Api {
  const names: (keyof Api)[] = [
    'storeStatus', 'login', 'logout', 'createFirstManager', 'currentCart', 'scan', 'payCash', 'payCard',
    'clearUnknownCard', 'swishStart', 'swishPoll', 'swishCancel', 'payVoucher', 'receipt', 'voidLine', 'searchCatalog', 'addItem',
    'weigh', 'setQuantity', 'setLineDiscount', 'setSaleDiscount', 'parkSale', 'parkedSales',
    'resumeSale', 'abandonSale', 'openDrawer', 'simulateCard', 'simulateSwish', 'simulateScale', 'listStaff',
    'createStaff', 'disableStaff', 'auditList', 'importCatalog', 'approvalPolicy', 'setApprovalPolicy',
    'tillState', 'setTraining', 'setElectronicReceipt', 'copyReceipt', 'proForma', 'returnPlan', 'returnItems',
    'simulateControlUnit', 'settlePendingReturn', 'hoursView', 'hoursStatus', 'setOpeningHours',
    'addHoursChange', 'endHoursChange', 'setCustomerNotice', 'setFeedHttp', 'approveOutsideHours',
    'onHoursChanged', 'paymentsView', 'paymentsStatus', 'setPaymentMethod', 'endPaymentChange',
    'setOfflineCaps', 'setFallbackRules', 'simulateHealth', 'forwardOffline', 'scanAndPayDay',
    'importScanAndPay', 'checkExit', 'scanAndPayToken', 'onPaymentsChanged', 'openCustomerDisplay',
    'customerDisplay', 'statusBoard', 'setIsland', 'incidents', 'incidentReport', 'addIncidentNote', 'startDrill',
    'endDrill', 'setHealthSettings', 'pinHqKey', 'remoteLog', 'simulateDependency', 'onStatusChanged',
    'backupStatus', 'configureBackups', 'backupNow', 'findBackups', 'restoreBackup', 'restartApp', 'catchUp', 'onBackupProgress',
  ];
  const api: Record<string, ReturnType<typeof vi.fn>> = {};
  for (const name of names) api[name] = vi.fn(() => Promise.reject(err('internal', `unexpected ${name}`)));
  return api as unknown as { [K in keyof Api]: ReturnType<typeof vi.fn> } & Api;
}

let api: ReturnType<typeof fakeApi>;
let till: Till;

async function start(sale: SaleView = TWO, options: { swishPollMs?: number } = {}): Promise<void> {
  api.storeStatus.mockResolvedValue(status);
  api.currentCart.mockResolvedValue(sale);
  till = new Till(api, { swishPollMs: options.swishPollMs ?? 1000 });
  await till.init();
  expect(till.phase).toBe('ready');
}

beforeEach(() => {
  api = fakeApi();
});

afterEach(() => {
  till?.dispose();
  vi.useRealTimers();
});

// ------------------------------------------------------------------- tests

describe('Till: the sale and its selected line', () => {
  it('selects the last line by default and moves with PageUp/PageDown', async () => {
    await start();
    expect(till.cart?.lines).toHaveLength(2);
    expect(till.selectedIndex).toBe(1);
    till.moveSelection(-1);
    expect(till.selectedIndex).toBe(0);
    till.moveSelection(-1); // stays on the first line
    expect(till.selectedIndex).toBe(0);
    till.moveSelection(5);
    expect(till.selectedIndex).toBe(1);

    // A scan adds a line: the new line is selected.
    till.selectLine(0);
    api.scan.mockResolvedValue(view([...TWO.cart.lines, line('Ost')]));
    await till.scan('123');
    expect(till.selectedIndex).toBe(2);

    // The selected line is the one voided.
    api.voidLine.mockResolvedValue(view([line('Mjölk'), line('Bröd')]));
    await till.voidLine(till.selectedIndex);
    expect(api.voidLine).toHaveBeenCalledWith(2, null);
    expect(till.selectedIndex).toBe(1);
  });

  it('changes the quantity of a line and keeps it selected', async () => {
    await start();
    till.selectLine(0);
    api.setQuantity.mockResolvedValue(view([line('Mjölk', '30.00', { quantity: '3' }), line('Bröd')]));
    expect(await till.setQuantity(0, ' 3 ')).toBe(true);
    expect(api.setQuantity).toHaveBeenCalledWith(0, '3');
    expect(till.selectedIndex).toBe(0);
    expect(till.cart?.lines[0]?.quantity).toBe('3');
  });

  it('a kiosk cannot sell', async () => {
    api.storeStatus.mockResolvedValue({ ...status, session: { ...cashier, staff: { ...cashier.staff, role: 'kiosk' } } });
    api.currentCart.mockResolvedValue(TWO);
    till = new Till(api);
    await till.init();
    await till.scan('123');
    await till.addItem(1);
    expect(await till.setLineDiscount(0, { kind: 'percent', value: '10', reason: 'x' })).toBe('failed');
    expect(till.openPayment()).toBe(false);
    expect(api.scan).not.toHaveBeenCalled();
    expect(api.addItem).not.toHaveBeenCalled();
    expect(api.setLineDiscount).not.toHaveBeenCalled();
  });
});

describe('Till: item search', () => {
  const items: CatalogItem[] = [
    { id: 4, code: null, plu: '4011', name: 'Bananer', price: '24.90', sold_by: 'weight', vat_category: 'food' },
  ];

  it('keeps only the newest results and skips searches a newer one overtook', async () => {
    await start();
    const stale: CatalogItem[] = [{ ...items[0]!, id: 5, name: 'Bönor' }];
    const answers: ((value: CatalogItem[]) => void)[] = [];
    api.searchCatalog.mockImplementation(() => new Promise<CatalogItem[]>((resolve) => answers.push(resolve)));

    const first = till.search('b');
    await vi.waitFor(() => expect(api.searchCatalog).toHaveBeenCalledTimes(1));
    const second = till.search('ba'); // queued behind the first, then overtaken: never sent
    const third = till.search('ban');
    answers[0]!(stale); // the first answer arrives after newer typing: ignored
    await first;
    expect(till.searchResults).toEqual([]);
    await vi.waitFor(() => expect(api.searchCatalog).toHaveBeenCalledTimes(2));
    answers[1]!(items);
    await Promise.all([second, third]);
    expect(api.searchCatalog.mock.calls).toEqual([['b'], ['ban']]);
    expect(till.searchResults).toEqual(items);

    till.clearSearch();
    expect(till.searchResults).toEqual([]);
  });

  it('adds a weighed item by typed weight or from the scale', async () => {
    await start(EMPTY);
    api.addItem.mockResolvedValue(view([line('Bananer', '11.25', { sold_by: 'weight', quantity: '0.452' })]));
    expect(await till.addItem(4, null, '0,452')).toBe('done');
    expect(api.addItem).toHaveBeenCalledWith(4, null, '0,452');

    api.weigh.mockRejectedValue(err('scale_not_ready', 'The scale is not steady'));
    expect(await till.weigh(4)).toBe('failed');
    expect(till.error?.code).toBe('scale_not_ready');
    expect(till.cart?.lines).toHaveLength(1);
  });
});

describe('Till: split payment', () => {
  it('leaves the sale open after a part payment, then completes it', async () => {
    await start();
    expect(till.openPayment()).toBe(true);
    api.payCard.mockResolvedValue(open(PART_PAID));
    await till.payCard('50');
    expect(api.payCard).toHaveBeenCalledWith('50');
    expect(till.receipt).toBeNull();
    expect(till.paying).toBe(true);
    expect(till.cart?.tenders).toEqual([card50]);
    expect(till.cart?.remaining).toBe('50.00');
    // A payment is taken: the panel cannot be left.
    expect(till.paymentStarted).toBe(true);
    expect(till.closePayment()).toBe(false);
    expect(till.paying).toBe(true);

    api.payCash.mockResolvedValue(paid);
    await till.payCash('100');
    expect(api.payCash).toHaveBeenCalledWith('100', false);
    expect(till.receipt).toEqual(receipt);
    expect(till.paying).toBe(false);
    expect(till.cart).toBeNull();
  });

  it('takes a part payment in cash', async () => {
    await start();
    till.openPayment();
    api.payCash.mockResolvedValue(open(PART_PAID));
    await till.payCash('50', true);
    expect(api.payCash).toHaveBeenCalledWith('50', true);
    expect(till.receipt).toBeNull();
    expect(till.paymentStarted).toBe(true);
  });

  it('keeps the sale when the card is declined', async () => {
    await start();
    till.openPayment();
    api.payCard.mockRejectedValue(err('card_declined', 'Declined'));
    await till.payCard(null);
    expect(api.payCard).toHaveBeenCalledWith(null);
    expect(till.error?.code).toBe('card_declined');
    expect(till.receipt).toBeNull();
    expect(till.paying).toBe(true);
    expect(till.cart?.lines).toHaveLength(2);
    // No payment taken: the cashier may leave the panel, and the error goes with it.
    expect(till.closePayment()).toBe(true);
    expect(till.error).toBeNull();
  });

  it('learns that a timed-out card payment is unknown', async () => {
    await start();
    till.openPayment();
    api.payCard.mockRejectedValue(err('payment_unknown'));
    api.currentCart.mockResolvedValue({ ...TWO, card_unknown: true });
    await till.payCard('');
    expect(api.payCard).toHaveBeenCalledWith(null);
    expect(till.error?.code).toBe('payment_unknown');
    expect(till.sale?.card_unknown).toBe(true);
  });

  it('pays with a gift voucher', async () => {
    await start();
    till.openPayment();
    api.payVoucher.mockResolvedValue(paid);
    await till.payVoucher(' GIFT-1 ', ' ');
    expect(api.payVoucher).toHaveBeenCalledWith('GIFT-1', null);
    expect(till.receipt).toEqual(receipt);
  });

  it('reopens the payment panel for a sale with payments taken', async () => {
    await start(PART_PAID);
    expect(till.paying).toBe(true);
  });
});

describe('Till: Swish', () => {
  const swish = { amount: '100.00', qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' };
  const waiting = view(TWO.cart.lines, { swish });

  it('polls about once a second while waiting, and stops when paid', async () => {
    vi.useFakeTimers();
    await start(TWO, { swishPollMs: 1000 });
    till.openPayment();
    api.swishStart.mockResolvedValue(open(waiting));
    api.swishPoll.mockResolvedValueOnce(open(waiting)).mockResolvedValueOnce(paid);
    await till.startSwish('');
    expect(api.swishStart).toHaveBeenCalledWith(null);
    expect(till.sale?.swish).toEqual(swish);
    expect(till.closePayment()).toBe(false); // waiting for the customer

    await vi.advanceTimersByTimeAsync(999);
    expect(api.swishPoll).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.swishPoll).toHaveBeenCalledTimes(1);
    expect(till.receipt).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.swishPoll).toHaveBeenCalledTimes(2);
    expect(till.receipt).toEqual(receipt);
    expect(till.paying).toBe(false);

    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).toHaveBeenCalledTimes(2);
  });

  it('stops polling when the cashier cancels', async () => {
    vi.useFakeTimers();
    await start();
    till.openPayment();
    api.swishStart.mockResolvedValue(open(waiting));
    api.swishPoll.mockResolvedValue(open(waiting));
    api.swishCancel.mockResolvedValue(open(TWO));
    await till.startSwish(null);
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.swishPoll).toHaveBeenCalledTimes(1);
    await till.cancelSwish();
    expect(till.sale?.swish).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).toHaveBeenCalledTimes(1);
    expect(till.closePayment()).toBe(true);
  });

  it('shows a declined Swish payment and stops polling', async () => {
    vi.useFakeTimers();
    await start();
    till.openPayment();
    api.swishStart.mockResolvedValue(open(waiting));
    api.swishPoll.mockRejectedValue(err('swish_declined'));
    await till.startSwish(null);
    await vi.advanceTimersByTimeAsync(1000);
    expect(till.error?.code).toBe('swish_declined');
    expect(till.sale?.swish).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).toHaveBeenCalledTimes(1);
  });

  it('shows the receipt when starting Swish finds the sale already paid', async () => {
    vi.useFakeTimers();
    await start(PART_PAID);
    expect(till.paying).toBe(true);
    // Earlier payments covered the sale but could not be registered (e.g. a locked database):
    // asking for Swish registers it now instead of creating a request.
    api.swishStart.mockResolvedValue(paid);
    await till.startSwish(null);
    expect(api.swishStart).toHaveBeenCalledWith(null);
    expect(till.receipt).toEqual(receipt);
    expect(till.paying).toBe(false);
    expect(till.cart).toBeNull();
    expect(till.error).toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).not.toHaveBeenCalled();
  });

  it('stops polling on lock and starts again after login', async () => {
    vi.useFakeTimers();
    await start(waiting);
    api.logout.mockResolvedValue(null);
    await till.logout();
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).not.toHaveBeenCalled();

    api.login.mockResolvedValue(cashier);
    api.swishPoll.mockResolvedValue(paid);
    await till.login(2, '2222');
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.swishPoll).toHaveBeenCalledTimes(1);
    expect(till.receipt).toEqual(receipt);
  });
});

describe('Till: steps that need a manager', () => {
  const needsApproval = err('needs_approval', 'A manager must approve');
  const tenPercent = { kind: 'percent' as const, value: '30', reason: 'Skadad' };

  it('re-sends a line discount with the approval', async () => {
    await start();
    api.setLineDiscount
      .mockRejectedValueOnce(needsApproval)
      .mockRejectedValueOnce(err('wrong_pin', 'Wrong PIN'))
      .mockResolvedValueOnce(view([line('Mjölk', '10.00', { discount: tenPercent, discount_amount: '3.00' }), line('Bröd')]));

    expect(await till.setLineDiscount(0, tenPercent)).toBe('approval');
    expect(till.pendingApproval).toMatchObject({ kind: 'line_discount', subject: 'Mjölk' });
    expect(till.error).toBeNull();

    expect(await till.approve({ manager_id: 1, pin: '0000' })).toBe('failed');
    expect(till.approvalError?.code).toBe('wrong_pin');
    expect(till.pendingApproval).not.toBeNull();

    expect(await till.approve({ manager_id: 1, pin: '1111' })).toBe('done');
    expect(till.pendingApproval).toBeNull();
    expect(till.approvalError).toBeNull();
    expect(api.setLineDiscount.mock.calls).toEqual([
      [0, tenPercent, null],
      [0, tenPercent, { manager_id: 1, pin: '0000' }],
      [0, tenPercent, { manager_id: 1, pin: '1111' }],
    ]);
    expect(till.cart?.lines[0]?.discount).toEqual(tenPercent);
  });

  it('sets and removes the discount on the whole sale', async () => {
    await start();
    api.setSaleDiscount.mockResolvedValueOnce(view(TWO.cart.lines, {}, { sale_discount: tenPercent })).mockResolvedValueOnce(TWO);
    expect(await till.setSaleDiscount(tenPercent)).toBe('done');
    expect(till.cart?.sale_discount).toEqual(tenPercent);
    expect(await till.setSaleDiscount(null)).toBe('done');
    expect(api.setSaleDiscount.mock.calls).toEqual([
      [tenPercent, null],
      [null, null],
    ]);
  });

  it('gives up the sale and opens the drawer with an approval', async () => {
    await start();
    api.abandonSale.mockRejectedValueOnce(needsApproval).mockResolvedValueOnce(EMPTY);
    expect(await till.abandonSale('  ')).toBe('failed'); // a reason is needed
    expect(await till.abandonSale('Kunden gick')).toBe('approval');
    expect(till.pendingApproval?.kind).toBe('abandon');
    till.cancelApproval();
    expect(till.pendingApproval).toBeNull();
    expect(till.cart?.lines).toHaveLength(2);
    expect(await till.abandonSale('Kunden gick', { manager_id: 1, pin: '1111' })).toBe('done');
    expect(till.cart?.lines).toHaveLength(0);
    expect(till.notice).toBe('abandoned');

    api.openDrawer.mockRejectedValueOnce(needsApproval).mockResolvedValueOnce(null);
    expect(await till.openDrawer('Växla')).toBe('approval');
    expect(await till.approve({ manager_id: 1, pin: '1111' })).toBe('done');
    expect(api.openDrawer.mock.calls).toEqual([
      ['Växla', null],
      ['Växla', { manager_id: 1, pin: '1111' }],
    ]);
    expect(till.notice).toBe('drawer_opened');
  });
});

describe('Till: a card payment of unknown outcome', () => {
  const UNKNOWN = { ...TWO, card_unknown: true };
  const approval = { manager_id: 1, pin: '1111' };

  it('is cleared with a reason and, for a cashier, a manager’s approval', async () => {
    await start(UNKNOWN);
    till.openPayment();
    api.clearUnknownCard
      .mockRejectedValueOnce(err('needs_approval', 'A manager must approve'))
      .mockRejectedValueOnce(err('wrong_pin', 'Wrong PIN'))
      .mockResolvedValueOnce(TWO);

    expect(await till.clearUnknownCard('   ')).toBe('failed'); // a reason is needed
    expect(api.clearUnknownCard).not.toHaveBeenCalled();

    expect(await till.clearUnknownCard(' Terminalen visar nekad ')).toBe('approval');
    expect(till.pendingApproval).toMatchObject({ kind: 'clear_card', subject: '' });
    expect(till.error).toBeNull();
    expect(till.sale?.card_unknown).toBe(true);

    expect(await till.approve({ manager_id: 1, pin: '0000' })).toBe('failed');
    expect(till.approvalError?.code).toBe('wrong_pin');
    expect(till.pendingApproval).not.toBeNull();

    expect(await till.approve(approval)).toBe('done');
    expect(till.pendingApproval).toBeNull();
    expect(till.approvalError).toBeNull();
    expect(till.sale?.card_unknown).toBe(false);
    expect(till.paying).toBe(true); // the sale goes on in the payment panel
    expect(api.clearUnknownCard.mock.calls).toEqual([
      ['Terminalen visar nekad', null],
      ['Terminalen visar nekad', { manager_id: 1, pin: '0000' }],
      ['Terminalen visar nekad', approval],
    ]);
  });

  it('is cleared at once when no approval is needed (a manager), and never without an unknown payment', async () => {
    await start(TWO);
    expect(await till.clearUnknownCard('Terminalen visar nekad')).toBe('failed');
    expect(api.clearUnknownCard).not.toHaveBeenCalled();

    api = fakeApi();
    await start(UNKNOWN);
    api.clearUnknownCard.mockResolvedValue(TWO);
    expect(await till.clearUnknownCard('Terminalen visar nekad')).toBe('done');
    expect(till.pendingApproval).toBeNull();
    expect(api.clearUnknownCard.mock.calls).toEqual([['Terminalen visar nekad', null]]);
  });

  it('shows an error the backend gives', async () => {
    await start(UNKNOWN);
    api.clearUnknownCard.mockRejectedValue(err('invalid_input', 'No card payment is unknown'));
    expect(await till.clearUnknownCard('Terminalen visar nekad')).toBe('failed');
    expect(till.error?.code).toBe('invalid_input');
    expect(till.pendingApproval).toBeNull();
  });
});

describe('Till: parked sales', () => {
  it('parks the sale and resumes it', async () => {
    await start();
    api.parkSale.mockResolvedValue(view([], { parked: 1 }));
    expect(await till.parkSale()).toBe(true);
    expect(till.cart?.lines).toHaveLength(0);
    expect(till.sale?.parked).toBe(1);
    expect(till.notice).toBe('parked');
    expect(await till.parkSale()).toBe(false); // nothing left to park
    expect(api.parkSale).toHaveBeenCalledTimes(1);

    const parkedSale = { id: 9, parked_at: '14:05', parked_by: 'Kalle', total: '100.00', lines: 2 };
    api.parkedSales.mockResolvedValue([parkedSale]);
    expect(await till.loadParked()).toBe(true);
    expect(till.parkedList).toEqual([parkedSale]);

    api.resumeSale.mockResolvedValue(TWO);
    expect(await till.resumeSale(9)).toBe('done');
    expect(api.resumeSale).toHaveBeenCalledWith(9);
    expect(till.cart?.lines).toHaveLength(2);
    expect(till.selectedIndex).toBe(1);
    expect(till.notice).toBe('resumed');
  });
});

describe('Till: simulated devices', () => {
  it('sends the simulator settings only when the devices are simulated', async () => {
    await start();
    api.simulateCard.mockResolvedValue(null);
    api.simulateScale.mockResolvedValue(null);
    expect(await till.simulateCard('decline')).toBe(true);
    expect(await till.simulateScale(' 0,452 ', true)).toBe(true);
    expect(api.simulateScale).toHaveBeenCalledWith('0,452', true);

    till.status = { ...status, simulated_devices: false };
    expect(await till.simulateCard('approve')).toBe(false);
    expect(api.simulateCard).toHaveBeenCalledTimes(1);
  });
});

describe('Till: review fixes', () => {
  const swish = { amount: '100.00', qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' };
  const UNKNOWN = { ...TWO, card_unknown: true };

  it('keeps the payment panel for a card payment of unknown outcome, and reopens it after a switch', async () => {
    await start();
    till.openPayment();
    api.payCard.mockRejectedValue(err('payment_unknown'));
    api.currentCart.mockResolvedValue(UNKNOWN);
    await till.payCard(null);
    expect(till.paymentStarted).toBe(true);
    expect(till.closePayment()).toBe(false);
    expect(till.paying).toBe(true);

    api.logout.mockResolvedValue(null);
    await till.logout();
    expect(till.paying).toBe(false);
    api.login.mockResolvedValue(cashier);
    await till.login(2, '2222');
    expect(till.paying).toBe(true);
    expect(till.paymentStarted).toBe(true);

    // Cleared: the panel may be left again.
    api.clearUnknownCard.mockResolvedValue(TWO);
    expect(await till.clearUnknownCard('Terminalen visar nekad')).toBe('done');
    expect(till.paymentStarted).toBe(false);
    expect(till.closePayment()).toBe(true);
  });

  it('counts a waiting Swish payment as started', async () => {
    await start(view(TWO.cart.lines, { swish }));
    expect(till.paying).toBe(true);
    expect(till.paymentStarted).toBe(true);
    expect(till.closePayment()).toBe(false);
  });

  it('never polls Swish for a kiosk login', async () => {
    vi.useFakeTimers();
    const kiosk: SessionInfo = { staff: { id: 3, name: 'Kim', role: 'kiosk', active: true }, idle_logout_seconds: 300 };
    api.storeStatus.mockResolvedValue({ ...status, session: kiosk });
    api.currentCart.mockResolvedValue(view(TWO.cart.lines, { swish }));
    till = new Till(api, { swishPollMs: 1000 });
    await till.init();
    expect(till.phase).toBe('ready');
    expect(till.paying).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.swishPoll).not.toHaveBeenCalled();
    await till.pollSwish();
    expect(api.swishPoll).not.toHaveBeenCalled();
  });

  it('clears an earlier sale-screen error when the payment opens', async () => {
    await start();
    api.scan.mockRejectedValue(err('bad_check_digit'));
    await till.scan('7310865004704');
    expect(till.error?.code).toBe('bad_check_digit');
    expect(till.openPayment()).toBe(true);
    expect(till.error).toBeNull();
  });

  it('voids one line at a time', async () => {
    await start();
    let answer: (sale: SaleView) => void = () => {};
    api.voidLine.mockReturnValue(new Promise<SaleView>((resolve) => (answer = resolve)));
    const first = till.voidLine(1);
    expect(await till.voidLine(0)).toBe('failed'); // asked for while the first is on its way
    answer(view([line('Mjölk')]));
    expect(await first).toBe('done');
    expect(api.voidLine.mock.calls).toEqual([[1, null]]);

    api.voidLine.mockResolvedValue(view([]));
    expect(await till.voidLine(0)).toBe('done');
    expect(api.voidLine).toHaveBeenCalledTimes(2);
  });

  it('refuses a scan while paying or in a dialog, and drops the message when the panel closes', async () => {
    await start();
    till.openPayment();
    till.refuseScan('payment');
    expect(till.error).toMatchObject({
      code: 'invalid_input',
      message: 'Payment in progress – scan the next item after this sale',
      message_sv: 'Betalning pågår – skanna nästa vara efter köpet',
    });
    expect(till.scanRefusal).toBe(till.error);
    expect(till.closePayment()).toBe(true);
    expect(till.error).toBeNull();

    till.refuseScan('dialog');
    expect(till.error?.message_sv).toBe('Stäng rutan först – skanningen togs inte emot');
    expect(till.error?.message).toBe('Close the dialog first – the scan was not taken');
    till.dropScanRefusal();
    expect(till.error).toBeNull();

    // Another error than the refusal stays.
    till.refuseScan('dialog');
    api.scan.mockRejectedValue(err('bad_check_digit'));
    await till.scan('7310865004704');
    till.dropScanRefusal();
    expect(till.error?.code).toBe('bad_check_digit');

    // With a manager's approval open, the message goes to the approval dialog.
    api.voidLine.mockRejectedValue(err('needs_approval'));
    expect(await till.voidLine(0)).toBe('approval');
    till.refuseScan('dialog');
    expect(till.approvalError?.message_sv).toBe('Stäng rutan först – skanningen togs inte emot');
  });
});

describe('Till: Swedish register rules', () => {
  const STATE: TillState = {
    training: false,
    electronic: false,
    shift: null,
    control_unit: { policy: 'continue', decided_by: null, decided_at: null, reason: null },
    control_unit_number: 'CU-1',
    control_unit_outage: false,
    control_unit_simulated_failing: false,
  pending_return: null,
  };
  const PRINTED: Delivery = { printed: true, file: null, problem: null, problem_sv: null };
  const approval = { manager_id: 1, pin: '1111' };

  it('a manager settles an unfinished return with a reason', async () => {
    await start();
    expect(await till.settlePendingReturn(true, '  ')).toBe(false);
    expect(api.settlePendingReturn).not.toHaveBeenCalled();
    api.settlePendingReturn.mockResolvedValueOnce({ ...STATE, pending_return: null });
    expect(await till.settlePendingReturn(true, 'Terminalen visar ingen återbetalning')).toBe(true);
    expect(api.settlePendingReturn).toHaveBeenCalledWith(true, 'Terminalen visar ingen återbetalning', null);
    expect(till.tillState?.pending_return).toBeNull();
    api.settlePendingReturn.mockRejectedValueOnce(err('invalid_input', 'refunded'));
    expect(await till.settlePendingReturn(false, 'Kunden gick')).toBe(false);
    expect(till.error?.code).toBe('invalid_input');
  });

  it('loads the till state after login and after each sale, quietly when it fails', async () => {
    api.tillState.mockRejectedValueOnce(err('internal', 'no state'));
    await start();
    await vi.waitFor(() => expect(api.tillState).toHaveBeenCalledTimes(1));
    expect(till.tillState).toBeNull();
    expect(till.error).toBeNull();

    api.tillState.mockResolvedValue({ ...STATE, training: true });
    api.payCash.mockResolvedValueOnce({ status: 'paid', receipt, delivery: PRINTED });
    till.openPayment();
    await till.payCash('100');
    expect(till.receipt).toEqual(receipt);
    expect(till.delivery).toEqual(PRINTED);
    await vi.waitFor(() => expect(till.tillState?.training).toBe(true));
    expect(api.tillState).toHaveBeenCalledTimes(2);
  });

  it('sets the e-receipt for the sale in progress', async () => {
    await start();
    api.setElectronicReceipt.mockResolvedValueOnce({ ...STATE, electronic: true });
    expect(await till.setElectronicReceipt(true)).toBe(true);
    expect(api.setElectronicReceipt.mock.calls).toEqual([[true]]);
    expect(till.tillState?.electronic).toBe(true);
  });

  it('makes the one copy of the receipt shown, and shows the refusal of a second', async () => {
    await start();
    api.payCash.mockResolvedValueOnce(paid);
    till.openPayment();
    await till.payCash('100');
    const copy = { ...receipt, copy: true };
    api.copyReceipt
      .mockResolvedValueOnce([copy, PRINTED])
      .mockRejectedValueOnce(err('already_done', 'Receipt 7 already has its copy'));
    expect(await till.copyReceipt('paper')).toBe(true);
    expect(till.receiptCopy).toEqual({ receipt: copy, delivery: PRINTED });
    expect(await till.copyReceipt('file')).toBe(false);
    expect(till.error?.code).toBe('already_done');
    expect(api.copyReceipt.mock.calls).toEqual([
      [7, 'paper'],
      [7, 'file'],
    ]);
    // The next sale leaves the receipt, its delivery and its copy behind.
    await till.newSale();
    expect(till.receipt).toBeNull();
    expect(till.delivery).toBeNull();
    expect(till.receiptCopy).toBeNull();
  });

  it('makes no copy of a training or pro forma receipt', async () => {
    await start();
    api.payCash.mockResolvedValueOnce({ status: 'paid', receipt: { ...receipt, kind: 'training' } });
    till.openPayment();
    await till.payCash('100');
    expect(await till.copyReceipt('paper')).toBe(false);
    expect(api.copyReceipt).not.toHaveBeenCalled();
  });

  it('shows a pro forma receipt and keeps the sale', async () => {
    await start();
    const proForma = { ...receipt, kind: 'pro_forma' as const };
    api.proForma.mockResolvedValueOnce([proForma, PRINTED]);
    expect(await till.makeProForma()).toBe(true);
    expect(till.proForma).toEqual({ receipt: proForma, delivery: PRINTED });
    expect(till.receipt).toBeNull();
    expect(till.cart?.lines).toHaveLength(2);
    till.closeProForma();
    expect(till.proForma).toBeNull();
  });

  it('returns goods with a manager’s approval and shows the return receipt', async () => {
    await start(EMPTY);
    const plan: ReturnPlan = {
      receipt,
      lines: [{ line: 1, name: 'Mjölk', sold_by: 'each', sold: '2', returned: '0', left: '2', net: '20.00', refund_left: '20.00' }],
      earlier: [],
    };
    api.returnPlan.mockResolvedValueOnce(plan);
    expect(await till.loadReturnPlan('12a')).toBe(false);
    expect(till.error?.code).toBe('invalid_input');
    expect(await till.loadReturnPlan(' 7 ')).toBe(true);
    expect(api.returnPlan.mock.calls).toEqual([[7]]);
    expect(till.returnPlan).toEqual(plan);
    expect(till.error).toBeNull();

    const returned = { ...receipt, receipt_no: 8, kind: 'return' as const, total: '-10.00', original_receipt_no: 7 };
    api.returnItems
      .mockRejectedValueOnce(err('needs_approval', 'A manager must approve'))
      .mockResolvedValueOnce({ receipt: returned, delivery: PRINTED, to_cash_instead: [{ method: 'card', amount: '10.00', reason: 'declined' }] });
    api.tillState.mockResolvedValue(STATE);
    const lines = [{ line: 1, quantity: '1' }];
    expect(await till.returnItems(7, lines, '  ')).toBe('failed'); // a reason is needed
    expect(await till.returnItems(7, lines, 'Trasig')).toBe('approval');
    expect(till.pendingApproval?.kind).toBe('return');
    expect(till.receipt).toBeNull();
    expect(await till.approve(approval)).toBe('done');
    expect(api.returnItems.mock.calls).toEqual([
      [7, lines, 'Trasig', null],
      [7, lines, 'Trasig', approval],
    ]);
    expect(till.receipt).toEqual(returned);
    expect(till.delivery).toEqual(PRINTED);
    expect(till.toCashInstead).toEqual([{ method: 'card', amount: '10.00', reason: 'declined' }]);
    expect(till.returnPlan).toBeNull();
    await vi.waitFor(() => expect(till.tillState).toEqual(STATE));
  });

  it('takes no return during a sale', async () => {
    await start();
    expect(till.canReturn).toBe(false);
    expect(await till.loadReturnPlan('7')).toBe(false);
    expect(await till.returnItems(7, [{ line: 1, quantity: '1' }], 'Trasig')).toBe('failed');
    expect(api.returnPlan).not.toHaveBeenCalled();
    expect(api.returnItems).not.toHaveBeenCalled();
  });

  it('sets the simulated control unit', async () => {
    await start();
    api.simulateControlUnit.mockResolvedValueOnce({ ...STATE, control_unit_simulated_failing: true });
    expect(await till.simulateControlUnit(true)).toBe(true);
    expect(api.simulateControlUnit.mock.calls).toEqual([[true]]);
    expect(till.tillState?.control_unit_simulated_failing).toBe(true);
  });
});

describe('Till: opening hours', () => {
  const OPEN = hoursStatus();
  const CLOSED = hoursStatus({
    at: '2026-11-27T20:00:00Z',
    open: false,
    since: '2026-11-27T20:00:00Z',
    next_change: '2026-11-28T07:00:00Z',
    minutes_to_change: 660,
    summary_sv: 'Stängt – öppnar i morgon 08:00',
    summary_en: 'Closed – opens tomorrow 08:00',
  });
  const STORE_CLOSED: ApiError = {
    code: 'store_closed',
    message: 'The store is closed (Closed – opens tomorrow 08:00). Selling outside opening hours needs a manager’s approval',
    message_sv: 'Butiken är stängd (Stängt – öppnar i morgon 08:00). Försäljning utanför öppettiderna kräver en chefs godkännande',
  };
  const approval = { manager_id: 1, pin: '1111' };

  /** The backend's event: the handler the till subscribed with, and whether it unsubscribed. */
  function captureEvent(): { send: (status: HoursStatus) => void; unlistened: () => boolean } {
    let handler: ((status: HoursStatus) => void) | null = null;
    let off = false;
    api.onHoursChanged.mockImplementation(async (h: (status: HoursStatus) => void) => {
      handler = h;
      return () => {
        off = true;
      };
    });
    return {
      send: (status) => {
        if (!handler) throw new Error('nobody listens to hours-changed');
        handler(status);
      },
      unlistened: () => off,
    };
  }

  /**
   * A closed store as the backend has it: a cashier's first step is refused until a manager
   * approves; each scan adds one line named by its code.
   */
  function closedStore(): { lines: PricedLine[] } {
    const state = { approved: false, lines: [] as PricedLine[] };
    const add = (name: string) => {
      if (!state.approved && state.lines.length === 0) return Promise.reject(STORE_CLOSED);
      state.lines = [...state.lines, line(name)];
      return Promise.resolve(view(state.lines));
    };
    api.scan.mockImplementation((code: string) => add(code));
    api.addItem.mockImplementation((id: number) => add(`Vara ${id}`));
    api.resumeSale.mockImplementation((id: number) => add(`Parkerat köp ${id}`));
    api.approveOutsideHours.mockImplementation(async (given: { pin: string }) => {
      if (given.pin !== '1111') throw err('wrong_pin', 'Wrong PIN');
      state.approved = true;
      return view(state.lines);
    });
    return state;
  }

  it('fetches the state once after login, then follows the backend’s event, newest first', async () => {
    const event = captureEvent();
    api.hoursStatus.mockResolvedValue(OPEN);
    await start(EMPTY);
    await vi.waitFor(() => expect(till.hours).toEqual(OPEN));
    expect(api.hoursStatus).toHaveBeenCalledTimes(1);
    expect(api.onHoursChanged).toHaveBeenCalledTimes(1);

    event.send(CLOSED);
    expect(till.hours).toEqual(CLOSED);
    // An event is the newest state even when its clock reads earlier (the clock was set back).
    const setBack = { ...OPEN, at: '2026-11-27T18:00:00Z' };
    event.send(setBack);
    expect(till.hours).toEqual(setBack);

    // The manager's page hears the same event; a second page does not subscribe again.
    const heard: HoursStatus[] = [];
    const stop = till.watchHours((status) => heard.push(status));
    const reopened = { ...OPEN, at: '2026-11-28T07:00:00Z' };
    event.send(reopened);
    stop();
    event.send({ ...CLOSED, at: '2026-11-28T20:00:00Z' });
    expect(heard).toEqual([reopened]);
    expect(api.onHoursChanged).toHaveBeenCalledTimes(1);
    expect(api.hoursStatus).toHaveBeenCalledTimes(1); // never polled

    till.dispose();
    await vi.waitFor(() => expect(event.unlistened()).toBe(true));
  });

  it('drops an answer that was on its way while an event came: the event is newer', async () => {
    const event = captureEvent();
    api.hoursStatus.mockResolvedValue(OPEN);
    await start(EMPTY);
    await vi.waitFor(() => expect(till.hours).toEqual(OPEN));
    let answer: (status: HoursStatus) => void = () => {};
    api.hoursStatus.mockReturnValueOnce(new Promise<HoursStatus>((resolve) => (answer = resolve)));
    const refreshing = till.refreshHours();
    await vi.waitFor(() => expect(api.hoursStatus).toHaveBeenCalledTimes(2));
    event.send(CLOSED);
    answer(OPEN);
    await refreshing;
    expect(till.hours).toEqual(CLOSED);
    // With no event meanwhile, an answer is taken.
    api.hoursStatus.mockResolvedValueOnce(OPEN);
    await till.refreshHours();
    expect(till.hours).toEqual(OPEN);
  });

  it('keeps selling when the state cannot be fetched', async () => {
    api.hoursStatus.mockRejectedValue(err('internal', 'no hours'));
    await start(EMPTY);
    await vi.waitFor(() => expect(api.hoursStatus).toHaveBeenCalledTimes(1));
    expect(till.hours).toBeNull();
    expect(till.error).toBeNull();
  });

  it('asks a manager when a scan is refused because the store is closed, then takes the scan once', async () => {
    const store = closedStore();
    await start(EMPTY);
    await till.scan('7310865004703');
    expect(till.pendingApproval).toMatchObject({ kind: 'outside_hours', subject: '', because: STORE_CLOSED });
    expect(till.error).toBeNull();
    expect(till.cart?.lines).toHaveLength(0);

    // A wrong PIN stays in the dialog; nothing is scanned again.
    expect(await till.approve({ manager_id: 1, pin: '0000' })).toBe('failed');
    expect(till.approvalError?.code).toBe('wrong_pin');
    expect(till.pendingApproval?.kind).toBe('outside_hours');
    expect(api.scan).toHaveBeenCalledTimes(1);

    expect(await till.approve(approval)).toBe('done');
    expect(till.pendingApproval).toBeNull();
    expect(till.approvalError).toBeNull();
    expect(api.approveOutsideHours.mock.calls).toEqual([[{ manager_id: 1, pin: '0000' }], [approval]]);
    expect(api.scan.mock.calls).toEqual([['7310865004703'], ['7310865004703']]);
    expect(store.lines.map((l) => l.name)).toEqual(['7310865004703']);
    expect(till.cart?.lines.map((l) => l.name)).toEqual(['7310865004703']);
  });

  it('asks a manager to bring a parked sale back after closing, then resumes it once', async () => {
    closedStore();
    await start(EMPTY);
    expect(await till.resumeSale(9)).toBe('approval');
    expect(till.pendingApproval?.kind).toBe('outside_hours');
    expect(await till.approve(approval)).toBe('done');
    expect(api.resumeSale.mock.calls).toEqual([[9], [9]]);
    expect(till.cart?.lines.map((l) => l.name)).toEqual(['Parkerat köp 9']);
  });

  it('keeps a burst of scans refused while closed, in order, and sends each once after the approval', async () => {
    closedStore();
    await start(EMPTY);
    const codes = ['1000000000001', '1000000000002', '1000000000003'];
    await Promise.all(codes.map((code) => till.scan(code)));
    expect(api.scan.mock.calls).toEqual(codes.map((code) => [code]));
    expect(till.pendingApproval?.kind).toBe('outside_hours');
    expect(till.cart?.lines).toHaveLength(0);

    // A scan arriving after the approval queues behind the waiting ones.
    const approved = till.approve(approval);
    const later = till.scan('1000000000004');
    expect(await approved).toBe('done');
    await later;
    expect(api.scan.mock.calls.slice(3)).toEqual([...codes, '1000000000004'].map((code) => [code]));
    expect(till.cart?.lines.map((l) => l.name)).toEqual([...codes, '1000000000004']);
    expect(api.approveOutsideHours).toHaveBeenCalledTimes(1);
  });

  it('leaves the cart empty when the approval is cancelled, and asks again on the next scan', async () => {
    closedStore();
    await start(EMPTY);
    await Promise.all([till.scan('1000000000001'), till.scan('1000000000002')]);
    till.cancelApproval();
    expect(till.pendingApproval).toBeNull();
    expect(till.error).toBeNull();
    expect(till.cart?.lines).toHaveLength(0);

    await till.scan('1000000000003');
    expect(till.pendingApproval?.kind).toBe('outside_hours');
    expect(await till.approve(approval)).toBe('done');
    // Only the scan after the cancel is sent again.
    expect(api.scan.mock.calls.map(([code]) => code)).toEqual(['1000000000001', '1000000000002', '1000000000003', '1000000000003']);
    expect(till.cart?.lines.map((l) => l.name)).toEqual(['1000000000003']);
  });

  it('shows on the till why a waiting scan failed after the approval', async () => {
    closedStore();
    await start(EMPTY);
    await till.scan('1000000000001');
    api.scan.mockRejectedValueOnce(err('unknown_product', 'Unknown product'));
    expect(await till.approve(approval)).toBe('done');
    expect(till.pendingApproval).toBeNull();
    expect(till.error?.code).toBe('unknown_product');
    expect(till.cart?.lines).toHaveLength(0);
  });

  it('asks for the approval when an item from the search is refused, and adds it once', async () => {
    closedStore();
    await start(EMPTY);
    expect(await till.addItem(12, '2')).toBe('approval');
    expect(till.pendingApproval?.because?.message_sv).toContain('Stängt – öppnar i morgon 08:00');
    expect(await till.approve(approval)).toBe('done');
    expect(api.addItem.mock.calls).toEqual([
      [12, '2', null],
      [12, '2', null],
    ]);
    expect(till.cart?.lines.map((l) => l.name)).toEqual(['Vara 12']);
  });

  it('passes the manager’s commands through and keeps the chip in step with their answers', async () => {
    await start(EMPTY);
    const hoursView = { status: CLOSED } as unknown as HoursView;
    api.hoursView.mockResolvedValue(hoursView);
    expect(await till.hoursView()).toBe(hoursView);
    expect(till.hours).toEqual(CLOSED);

    api.addHoursChange.mockRejectedValue(err('not_allowed', 'Managers only'));
    await expect(till.addHoursChange({ kind: 'override', open: false, until: null }, 'IT')).rejects.toMatchObject({ code: 'not_allowed' });
    api.endHoursChange.mockRejectedValue(err('not_logged_in'));
    await expect(till.endHoursChange(3, 'Klart')).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(till.phase).toBe('locked');
  });
});

describe('Till: payment methods', () => {
  const CARD_OFF = paymentsStatus({
    in_force: inForce({
      card_online: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA, change_id: 4 },
      card_offline: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA, change_id: 5 },
    }),
    acceptance: NO_CARDS,
  });

  /** The backend's event: the handler the till subscribed with, and whether it unsubscribed. */
  function capturePayments(): { send: (status: PaymentsStatus) => void; unlistened: () => boolean } {
    let handler: ((status: PaymentsStatus) => void) | null = null;
    let off = false;
    api.onPaymentsChanged.mockImplementation(async (h: (status: PaymentsStatus) => void) => {
      handler = h;
      return () => {
        off = true;
      };
    });
    return {
      send: (status) => {
        if (!handler) throw new Error('nobody listens to payments-changed');
        handler(status);
      },
      unlistened: () => off,
    };
  }

  it('fetches the methods in force once after login, then takes each payments-changed payload', async () => {
    const event = capturePayments();
    api.paymentsStatus.mockResolvedValue(paymentsStatus());
    await start(EMPTY);
    await vi.waitFor(() => expect(till.payments).toEqual(paymentsStatus()));
    expect(api.paymentsStatus).toHaveBeenCalledTimes(1);
    expect(api.onPaymentsChanged).toHaveBeenCalledTimes(1);

    event.send(CARD_OFF);
    expect(till.payments).toEqual(CARD_OFF);
    expect(till.payments?.acceptance.all_taken).toBe(false);

    // A manager's page hears the same event; it does not subscribe again.
    const heard: PaymentsStatus[] = [];
    const stop = till.watchPayments((status) => heard.push(status));
    event.send(paymentsStatus());
    stop();
    event.send(CARD_OFF);
    expect(heard).toEqual([paymentsStatus()]);
    expect(till.payments).toEqual(CARD_OFF);
    expect(api.onPaymentsChanged).toHaveBeenCalledTimes(1);
    expect(api.paymentsStatus).toHaveBeenCalledTimes(1); // never polled

    till.dispose();
    await vi.waitFor(() => expect(event.unlistened()).toBe(true));
  });

  it('drops an answer that was on its way while an event came: the event is newer', async () => {
    const event = capturePayments();
    let answer: (status: PaymentsStatus) => void = () => {};
    api.paymentsStatus.mockReturnValueOnce(new Promise<PaymentsStatus>((resolve) => (answer = resolve)));
    await start(EMPTY);
    await vi.waitFor(() => expect(api.paymentsStatus).toHaveBeenCalledTimes(1));
    event.send(CARD_OFF);
    answer(paymentsStatus());
    await vi.waitFor(() => expect(till.pending).toBe(0));
    expect(till.payments).toEqual(CARD_OFF);
    // With no event meanwhile, an answer is taken.
    api.paymentsStatus.mockResolvedValueOnce(paymentsStatus());
    await till.refreshPayments();
    expect(till.payments).toEqual(paymentsStatus());
  });

  it('keeps selling when the methods cannot be fetched, and a kiosk does not ask', async () => {
    api.paymentsStatus.mockRejectedValue(err('internal', 'no payments'));
    await start(EMPTY);
    await vi.waitFor(() => expect(api.paymentsStatus).toHaveBeenCalledTimes(1));
    expect(till.payments).toBeNull();
    expect(till.error).toBeNull();

    till.dispose();
    api = fakeApi();
    api.storeStatus.mockResolvedValue({ ...status, session: { ...cashier, staff: { ...cashier.staff, role: 'kiosk' } } });
    api.currentCart.mockResolvedValue(EMPTY);
    till = new Till(api);
    await till.init();
    await till.refreshPayments();
    expect(api.paymentsStatus).not.toHaveBeenCalled();
  });

  it('shows a refused tender in the panel, asks for the methods again, and drops the refusal with the panel', async () => {
    api.paymentsStatus.mockResolvedValue(paymentsStatus());
    await start();
    await vi.waitFor(() => expect(till.payments).not.toBeNull());
    const refused: ApiError = {
      code: 'method_refused',
      message: 'Card is not taken now. Take Cash, Swish instead',
      message_sv: 'Kort tas inte emot nu. Ta i stället Kontanter, Swish',
    };
    api.payCard.mockRejectedValue(refused);
    api.paymentsStatus.mockResolvedValue(CARD_OFF);
    expect(till.openPayment()).toBe(true);
    await till.payCard();
    expect(till.error).toEqual(refused);
    await vi.waitFor(() => expect(till.payments).toEqual(CARD_OFF));
    expect(api.paymentsStatus).toHaveBeenCalledTimes(2);
    expect(till.closePayment()).toBe(true);
    expect(till.error).toBeNull();
  });

  it('keeps the till in step with a manager’s commands, and sets the simulated links', async () => {
    await start(EMPTY);
    const view = paymentsView({ in_force: CARD_OFF.in_force, acceptance: NO_CARDS, offline: offlineReport({ overdue: 3 }) });
    api.setPaymentMethod.mockResolvedValue(view);
    const form = { method: 'card_online' as const, availability: 'disabled' as const, min: null, max: null, until: null, registers: null };
    expect(await till.setPaymentMethod(form, 'Trasig')).toBe(view);
    expect(api.setPaymentMethod.mock.calls).toEqual([[form, 'Trasig']]);
    expect(till.payments).toEqual({ in_force: CARD_OFF.in_force, acceptance: NO_CARDS, health: view.health, overdue_offline: 3 });

    api.simulateHealth.mockResolvedValue(paymentsView({ health: { acquirer_reachable: false, swish_reachable: true } }));
    expect(await till.simulateHealth({ acquirer_reachable: false, swish_reachable: true })).toBe(true);
    expect(api.simulateHealth.mock.calls).toEqual([[{ acquirer_reachable: false, swish_reachable: true }]]);
    expect(till.payments?.health.acquirer_reachable).toBe(false);

    api.checkExit.mockRejectedValue(err('not_logged_in'));
    await expect(till.checkExit('SP-1', 'ok', '')).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(till.phase).toBe('locked');
  });
});

describe('Till: the status board (degraded mode)', () => {
  const DEGRADED = statusBoard({ mode: DEGRADED_MODE });

  /** The backend's event: the handler the till subscribed with, and whether it unsubscribed. */
  function captureBoard(): { send: (board: StatusBoard) => void; unlistened: () => boolean } {
    let handler: ((board: StatusBoard) => void) | null = null;
    let off = false;
    api.onStatusChanged.mockImplementation(async (h: (board: StatusBoard) => void) => {
      handler = h;
      return () => {
        off = true;
      };
    });
    return {
      send: (board) => {
        if (!handler) throw new Error('nobody listens to status-changed');
        handler(board);
      },
      unlistened: () => off,
    };
  }

  it('fetches the board once after login, then takes each status-changed payload; never polls', async () => {
    const event = captureBoard();
    api.statusBoard.mockResolvedValue(statusBoard());
    await start(EMPTY);
    await vi.waitFor(() => expect(till.board).toEqual(statusBoard()));
    expect(api.statusBoard).toHaveBeenCalledTimes(1);
    expect(api.onStatusChanged).toHaveBeenCalledTimes(1);

    event.send(DEGRADED);
    expect(till.board).toBe(DEGRADED);

    // The status page hears the same event; it does not subscribe again.
    const heard: StatusBoard[] = [];
    const stop = till.watchBoard((board) => heard.push(board));
    const island = statusBoard({ mode: ISLAND_MODE });
    event.send(island);
    stop();
    event.send(DEGRADED);
    expect(heard).toEqual([island]);
    expect(till.board).toBe(DEGRADED);
    expect(api.onStatusChanged).toHaveBeenCalledTimes(1);
    expect(api.statusBoard).toHaveBeenCalledTimes(1);

    till.dispose();
    await vi.waitFor(() => expect(event.unlistened()).toBe(true));
  });

  it('fetches it after a login from the lock screen too, and for a kiosk', async () => {
    captureBoard();
    api.statusBoard.mockResolvedValue(DEGRADED);
    api.storeStatus.mockResolvedValue({ ...status, session: null });
    api.currentCart.mockResolvedValue(EMPTY);
    till = new Till(api);
    await till.init();
    expect(till.phase).toBe('locked');
    expect(api.statusBoard).not.toHaveBeenCalled();
    api.login.mockResolvedValue({ ...cashier, staff: { ...cashier.staff, role: 'kiosk' } });
    expect(await till.login(2, '1234')).toBe(true);
    await vi.waitFor(() => expect(till.board).toBe(DEGRADED));
    expect(api.statusBoard).toHaveBeenCalledTimes(1);
  });

  it('logs in and sells when the board cannot be fetched', async () => {
    api.statusBoard.mockRejectedValue(err('internal', 'no board'));
    await start(EMPTY);
    await vi.waitFor(() => expect(api.statusBoard).toHaveBeenCalledTimes(1));
    expect(till.phase).toBe('ready');
    expect(till.board).toBeNull();
    expect(till.error).toBeNull();
    api.scan.mockResolvedValue(view([line('Mjölk')]));
    await till.scan('123');
    expect(till.cart?.lines).toHaveLength(1);
  });

  it('drops an answer that was on its way while an event came: the event is newer', async () => {
    const event = captureBoard();
    let answer: (board: StatusBoard) => void = () => {};
    api.statusBoard.mockReturnValueOnce(new Promise<StatusBoard>((resolve) => (answer = resolve)));
    await start(EMPTY);
    await vi.waitFor(() => expect(api.statusBoard).toHaveBeenCalledTimes(1));
    event.send(DEGRADED);
    answer(statusBoard());
    await vi.waitFor(() => expect(till.pending).toBe(0));
    expect(till.board).toBe(DEGRADED);
  });

  it('takes the board a manager’s command answers with; the rest are sent as given', async () => {
    api.statusBoard.mockResolvedValue(statusBoard());
    await start(EMPTY);
    const island = statusBoard({ mode: ISLAND_MODE });
    api.setIsland.mockResolvedValue(island);
    expect(await till.setIsland(true, 'Intrång')).toBe(island);
    expect(api.setIsland.mock.calls).toEqual([[true, 'Intrång']]);
    expect(till.board).toBe(island);

    api.simulateDependency.mockResolvedValue(DEGRADED);
    await till.simulateDependency('card_acquirer', 'down');
    expect(api.simulateDependency.mock.calls).toEqual([['card_acquirer', 'down']]);
    expect(till.board).toBe(DEGRADED);

    const drill = incidentSummary({ id: 9, practice: true, drill: ['swish'] });
    api.startDrill.mockResolvedValue(drill);
    expect(await till.startDrill(['swish'], 'Övning')).toBe(drill);
    expect(api.startDrill.mock.calls).toEqual([[['swish'], 'Övning']]);

    api.addIncidentNote.mockRejectedValue(err('not_logged_in'));
    await expect(till.addIncidentNote(9, 'x', false)).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(till.phase).toBe('locked');
  });
});

describe('Till: the customer display', () => {
  it('opens its own window; a failure is thrown as an ApiError, not_logged_in locks', async () => {
    await start();
    api.openCustomerDisplay.mockResolvedValueOnce(null);
    await till.openCustomerDisplay();
    expect(api.openCustomerDisplay).toHaveBeenCalledTimes(1);
    expect(till.view).toBe('till');

    api.openCustomerDisplay.mockRejectedValueOnce('no window');
    await expect(till.openCustomerDisplay()).rejects.toMatchObject({ code: 'internal' });
    expect(till.phase).toBe('ready');

    api.openCustomerDisplay.mockRejectedValueOnce(err('not_logged_in'));
    await expect(till.openCustomerDisplay()).rejects.toMatchObject({ code: 'not_logged_in' });
    expect(till.phase).toBe('locked');
  });
});
