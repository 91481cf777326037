import { describe, expect, it } from 'vitest';
import { discountLabel, formatStockholm, minusMoney, toInput } from './format';

describe('formatStockholm', () => {
  it('shows instants in Swedish local time, winter and summer', () => {
    expect(formatStockholm('2025-03-01T13:05:09Z')).toBe('2025-03-01 14:05:09');
    expect(formatStockholm('2025-07-01T22:30:00Z')).toBe('2025-07-02 00:30:00');
    expect(formatStockholm('2025-07-01T12:00:00+02:00')).toBe('2025-07-01 12:00:00');
  });

  it('leaves text it cannot read as it is', () => {
    expect(formatStockholm('yesterday')).toBe('yesterday');
  });
});

describe('discounts and inputs', () => {
  const nb = (value: string) => value.replace(/ /g, '\u00a0');

  it('labels a discount as the cashier set it', () => {
    expect(discountLabel({ kind: 'percent', value: '10', reason: 'Skadad' })).toBe(nb('\u221210 %'));
    expect(discountLabel({ kind: 'percent', value: '12.50', reason: '' })).toBe(nb('\u221212,5 %'));
    expect(discountLabel({ kind: 'amount', value: '5', reason: '' })).toBe(nb('\u22125,00 kr'));
  });

  it('shows amounts taken off with a minus sign', () => {
    expect(minusMoney('4.50')).toBe(nb('\u22124,50 kr'));
    expect(minusMoney('1234.5')).toBe(nb('\u22121 234,50 kr'));
    expect(minusMoney('0.00')).toBe(nb('0,00 kr'));
  });

  it('turns a quantity into what a cashier would type', () => {
    expect(toInput('2.000')).toBe('2');
    expect(toInput('0.452')).toBe('0,452');
    expect(toInput('1250')).toBe('1250');
  });
});
