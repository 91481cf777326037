import { describe, expect, it } from 'vitest';
import {
  ageText,
  countText,
  offlineOnSale,
  offlineStatusName,
  providerName,
  ruleName,
  exposurePercent,
  fromOre,
  limitsText,
  methodForm,
  moneyInput,
  registersList,
  rulesRequest,
  setByText,
  setMethodRequest,
  shortMoney,
  statusOfView,
  tenderRefusal,
  tenderState,
  toOre,
} from './payments';
import { inForce, methodState, offlineReport, paymentsStatus, paymentsView, ANNA } from './testing/payments';

const nb = (value: string) => value.replace(/ /g, '\u00a0');
/** No-break spaces (in amounts) as plain ones, to compare sentences. */
const plain = (value: string) => value.replace(/\u00a0/g, ' ');
const state = (...args: Parameters<typeof tenderState>) => {
  const { available, note } = tenderState(...args);
  return { available, note: plain(note) };
};

describe('payment methods in words', () => {
  it('writes limits short, Swedish style, without decimals for whole kronor', () => {
    expect(shortMoney('200.00')).toBe(nb('200 kr'));
    expect(shortMoney('1000.00')).toBe(nb('1 000 kr'));
    expect(shortMoney('12.5')).toBe(nb('12,50 kr'));
    expect(limitsText({ min: null, max: '200.00' }, 'sv')).toBe('upp till 200\u00a0kr');
    expect(limitsText({ min: '50.00', max: null }, 'en')).toBe('from 50\u00a0kr');
    expect(limitsText({ min: '50.00', max: '1500.00' }, 'sv')).toBe('50–1\u00a0500\u00a0kr');
    expect(limitsText({ min: null, max: null }, 'sv')).toBe('');
  });

  it('counts öre exactly, never through floating point', () => {
    expect(toOre('0.10')).toBe(10n);
    expect(toOre('1234.5')).toBe(123450n);
    expect(toOre('-0.45')).toBe(-45n);
    expect(toOre('x')).toBeNull();
    expect(fromOre(123450n)).toBe('1234.50');
    expect(fromOre(-5n)).toBe('-0.05');
    expect(exposurePercent('1250.00', '5000.00')).toBe(25);
    expect(exposurePercent('0.01', '5000.00')).toBe(0);
    expect(exposurePercent('6000.00', '5000.00')).toBe(100);
    expect(exposurePercent('10.00', '0.00')).toBe(100);
  });

  it('says how long a payment has waited', () => {
    expect(ageText(45, 'sv')).toBe('45 min');
    expect(ageText(125, 'sv')).toBe('2 h 5 min');
    expect(ageText(180, 'en')).toBe('3 h');
  });

  it('names who set a state: a manager, the system under a rule, or nobody', () => {
    expect(setByText(methodState('cash', { set_by: ANNA }), 'sv')).toBe('Anna Lind');
    expect(setByText(methodState('swish', { rule: { kind: 'hide_swish_when_down' } }), 'sv')).toBe('Systemet (automatiskt)');
    expect(setByText(methodState('swish', { rule: { kind: 'hide_swish_when_down' } }), 'en')).toBe('System (automatic)');
    expect(setByText(methodState('cash'), 'sv')).toBe('Standard');
  });
});

describe('what the payment panel offers', () => {
  it('offers everything while the state is not known', () => {
    expect(state(null, 'card', 'sv')).toEqual({ available: true, note: '' });
  });

  it('turns card off only when both card online and card offline are off, with the reason', () => {
    const off = paymentsStatus({
      in_force: inForce({
        card_online: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA },
        card_offline: { availability: 'disabled', reason: 'Terminalen är trasig', set_by: ANNA },
      }),
    });
    expect(state(off, 'card', 'sv')).toEqual({ available: false, note: 'Tas inte nu: Terminalen är trasig' });
    expect(state(off, 'card', 'en')).toEqual({ available: false, note: 'Not taken now: Terminalen är trasig' });
    // A card payment of unknown outcome is answered whatever the state: the terminal is asked.
    expect(state(off, 'card', 'sv', true).available).toBe(true);
    expect(tenderRefusal(off, 'card')).toEqual({
      message: 'Card – Not taken now: Terminalen är trasig',
      message_sv: 'Kort – Tas inte nu: Terminalen är trasig',
    });
    const silent = paymentsStatus({ in_force: inForce({ swish: { availability: 'disabled' } }) });
    expect(state(silent, 'swish', 'sv')).toEqual({ available: false, note: 'Tas inte nu' });
  });

  it('sends the card offline under the smaller of the per-payment cap and the room left', () => {
    const offline = (exposure: string) =>
      paymentsStatus({
        in_force: inForce({ card_online: { availability: 'disabled', rule: { kind: 'card_offline_when_acquirer_down' } } }, { exposure }),
      });
    expect(state(offline('0.00'), 'card', 'sv')).toEqual({ available: true, note: 'Kort offline, upp till 1 000 kr' });
    expect(state(offline('4600.00'), 'card', 'sv')).toEqual({ available: true, note: 'Kort offline, upp till 400 kr' });
    expect(state(offline('4599.50'), 'card', 'en')).toEqual({ available: true, note: 'Card offline, up to 400,50 kr' });
    expect(state(offline('5000.00'), 'card', 'sv')).toEqual({
      available: false,
      note: 'Tas inte nu: taket för kort offline är nått (5 000 kr av 5 000 kr)',
    });
  });

  it('shows a limited method’s limits and keeps it available', () => {
    const limited = paymentsStatus({ in_force: inForce({ swish: { availability: 'limited', limits: { min: null, max: '200.00' } } }) });
    expect(state(limited, 'swish', 'sv')).toEqual({ available: true, note: 'upp till 200 kr' });
    expect(state(limited, 'cash', 'sv')).toEqual({ available: true, note: '' });
    expect(state(limited, 'voucher', 'sv')).toEqual({ available: true, note: '' });
  });
});

describe('the manager’s forms', () => {
  it('sends limits only when limited, empty fields as none, registers as a list or null', () => {
    expect(
      setMethodRequest({ method: 'swish', availability: 'limited', min: ' ', max: ' 200 ', until: '', registers: ' , ' }),
    ).toEqual({ method: 'swish', availability: 'limited', min: null, max: '200', until: null, registers: null });
    expect(
      setMethodRequest({ method: 'cash', availability: 'disabled', min: '10', max: '20', until: '21:00', registers: 'KASSA-1, KASSA-2' }),
    ).toEqual({ method: 'cash', availability: 'disabled', min: null, max: null, until: '21:00', registers: ['KASSA-1', 'KASSA-2'] });
    expect(registersList('KASSA-1,,KASSA-3 ')).toEqual(['KASSA-1', 'KASSA-3']);
  });

  it('starts the form from the state in force', () => {
    const state = methodState('swish', { availability: 'limited', limits: { min: '10.50', max: '200.00' }, registers: ['KASSA-2'] });
    expect(methodForm(state)).toEqual({ method: 'swish', availability: 'limited', min: '10,50', max: '200', until: '', registers: 'KASSA-2' });
    expect(moneyInput(null)).toBe('');
  });

  it('sends the rules ticked in the order they are listed', () => {
    expect(rulesRequest({ hide_swish_when_down: true, card_offline_when_acquirer_down: true, disable_card_at_exposure_cap: false })).toEqual([
      { kind: 'card_offline_when_acquirer_down' },
      { kind: 'hide_swish_when_down' },
    ]);
  });

  it('takes the till’s status from the manager’s view', () => {
    const view = paymentsView({ offline: offlineReport({ overdue: 2 }) });
    expect(statusOfView(view)).toEqual({ in_force: view.in_force, acceptance: view.acceptance, health: view.health, overdue_offline: 2 });
  });
});

describe('backend words the screen translates', () => {
  it('names a rule it does not know as an unknown rule, not by its raw kind alone', () => {
    expect(ruleName({ kind: 'hide_swish_when_down' }, 'sv')).toBe('Swish nere → dölj Swish');
    const future = { kind: 'disable_swish_at_midnight' } as unknown as Parameters<typeof ruleName>[0];
    expect(ruleName(future, 'sv')).toBe('Okänd regel (disable_swish_at_midnight)');
    expect(ruleName(future, 'en')).toBe('Unknown rule (disable_swish_at_midnight)');
  });

  it('words the offline payment statuses', () => {
    expect(offlineStatusName('pending', 'sv')).toBe('Väntar');
    expect(offlineStatusName('forwarded', 'en')).toBe('Sent and accepted');
    expect(offlineStatusName('declined', 'sv')).toBe('Nekad');
    expect(offlineStatusName('lost', 'en')).toBe('Unknown status (lost)');
  });

  it('words the app’s payment providers it knows, and keeps any other as the app wrote it', () => {
    expect(providerName('card', 'sv')).toBe('Kort');
    expect(providerName('Swish', 'en')).toBe('Swish');
    expect(providerName('klarna', 'sv')).toBe('klarna');
  });

  it('counts in the singular and the plural', () => {
    expect(countText(1, 'paymentsCountOne', 'paymentsCount', 'sv')).toBe('1 betalning');
    expect(countText(2, 'paymentsCountOne', 'paymentsCount', 'sv')).toBe('2 betalningar');
    expect(countText(0, 'paymentsCountOne', 'paymentsCount', 'en')).toBe('0 payments');
    expect(countText(1, 'scanAndPayNewOne', 'scanAndPayNew', 'sv')).toBe('1 nytt köp');
    expect(countText(1, 'scanAndPayNewOne', 'scanAndPayNew', 'en')).toBe('1 new purchase');
    expect(countText(3, 'scanAndPayNewOne', 'scanAndPayNew', 'sv')).toBe('3 nya köp');
  });
});

describe('card offline: what the sale already took', () => {
  const offline = paymentsStatus({
    in_force: inForce(
      { card_online: { availability: 'disabled', reason: 'Kortinlösaren svarar inte', rule: { kind: 'card_offline_when_acquirer_down' } } },
      { exposure: '0.00' },
    ),
  });
  const tender = (amount: string, isOffline: boolean, method: 'card' | 'cash' = 'card') => ({
    method,
    amount,
    tendered: amount,
    change: '0.00',
    reference: null,
    offline: isOffline,
  });

  it('adds up the sale’s offline card payments only, in öre', () => {
    expect(offlineOnSale([])).toBe(0n);
    expect(offlineOnSale([tender('600.10', true), tender('100.00', false), tender('50.00', true, 'cash'), tender('0.05', true)])).toBe(60015n);
  });

  it('takes it off the per-payment cap, as the backend’s card_mode does', () => {
    expect(state(offline, 'card', 'sv', false, 0n)).toEqual({ available: true, note: 'Kort offline, upp till 1 000 kr' });
    expect(state(offline, 'card', 'sv', false, 60000n)).toEqual({ available: true, note: 'Kort offline, upp till 400 kr' });
    expect(state(offline, 'card', 'sv', false, 99999n)).toEqual({ available: true, note: 'Kort offline, upp till 0,01 kr' });
    expect(state(offline, 'card', 'sv', false, 100000n)).toEqual({
      available: false,
      note: 'Tas inte nu: köpet har redan tagit 1 000 kr med kort offline (högst 1 000 kr per köp)',
    });
    // The store's room is smaller still: that is what is said.
    const nearlyFull = { ...offline, in_force: { ...offline.in_force, exposure: '4800.00' } };
    expect(state(nearlyFull, 'card', 'sv', false, 60000n)).toEqual({ available: true, note: 'Kort offline, upp till 200 kr' });
    const full = { ...offline, in_force: { ...offline.in_force, exposure: '5000.00' } };
    expect(state(full, 'card', 'sv', false, 60000n).note).toBe('Tas inte nu: taket för kort offline är nått (5 000 kr av 5 000 kr)');
    expect(plain(tenderRefusal(offline, 'card', false, 100000n).message)).toBe(
      'Card – Not taken now: this sale already took 1 000 kr by card offline (at most 1 000 kr per sale)',
    );
  });
});

