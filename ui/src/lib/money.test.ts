import { describe, expect, it } from 'vitest';
import {
  NBSP,
  formatCount,
  formatKg,
  formatMoney,
  formatPercent,
  isOne,
  isZero,
  suggestTenders,
  toTenderInput,
} from './money';

/** Writes expected strings with plain spaces; the formatter uses no-break spaces. */
const s = (text: string) => text.replace(/ /g, NBSP);

describe('formatMoney', () => {
  it.each([
    ['1234.5', '1 234,50 kr'],
    ['0.05', '0,05 kr'],
    ['-45.00', '-45,00 kr'],
    ['-0.45', '-0,45 kr'],
    ['1234567.89', '1 234 567,89 kr'],
    ['0', '0,00 kr'],
    ['0.00', '0,00 kr'],
    ['-0.00', '0,00 kr'],
    ['12', '12,00 kr'],
    ['12.5', '12,50 kr'],
    ['999.99', '999,99 kr'],
    ['1000', '1 000,00 kr'],
    ['100000.10', '100 000,10 kr'],
    ['007.10', '7,10 kr'],
    ['+3.20', '3,20 kr'],
    ['12,50', '12,50 kr'],
    ['.5', '0,50 kr'],
    ['1.2350', '1,235 kr'],
    ['123456789012345678901234.56', '123 456 789 012 345 678 901 234,56 kr'],
  ])('%s → %s', (input, expected) => {
    expect(formatMoney(input)).toBe(s(expected));
  });

  it('uses no-break spaces, never plain spaces', () => {
    expect(formatMoney('1234.50')).toBe(`1${NBSP}234,50${NBSP}kr`);
    expect(formatMoney('1234567.89')).not.toContain(' ');
  });

  it('keeps precision a float would lose', () => {
    expect(formatMoney('9007199254740993.01')).toBe(s('9 007 199 254 740 993,01 kr'));
    expect(formatMoney('0.10')).toBe(s('0,10 kr'));
  });

  it('can leave out the unit', () => {
    expect(formatMoney('1234.5', { unit: false })).toBe(s('1 234,50'));
  });

  it('returns anything that is not a decimal unchanged', () => {
    expect(formatMoney('')).toBe('');
    expect(formatMoney('abc')).toBe('abc');
    expect(formatMoney('1.2.3')).toBe('1.2.3');
  });
});

describe('other decimal formatting', () => {
  it('formats VAT percentages', () => {
    expect(formatPercent('12')).toBe('12');
    expect(formatPercent('12.00')).toBe('12');
    expect(formatPercent('6.0')).toBe('6');
    expect(formatPercent('12.50')).toBe('12,5');
    expect(formatPercent('25')).toBe('25');
  });

  it('formats kilograms with three decimals', () => {
    expect(formatKg('0.35')).toBe('0,350');
    expect(formatKg('1.2345')).toBe('1,2345');
    expect(formatKg('2')).toBe('2,000');
  });

  it('formats piece counts', () => {
    expect(formatCount('3')).toBe('3');
    expect(formatCount('3.000')).toBe('3');
  });

  it('recognises zero and one as strings', () => {
    expect(isZero('0.00')).toBe(true);
    expect(isZero('-0.00')).toBe(true);
    expect(isZero('0.01')).toBe(false);
    expect(isZero('x')).toBe(false);
    expect(isOne('1')).toBe(true);
    expect(isOne('1.000')).toBe(true);
    expect(isOne('10')).toBe(false);
    expect(isOne('0.1')).toBe(false);
    expect(isOne('-1')).toBe(false);
  });
});

describe('tender helpers', () => {
  it('turns a due amount into what a cashier would type', () => {
    expect(toTenderInput('123.00')).toBe('123');
    expect(toTenderInput('123.50')).toBe('123,50');
    expect(toTenderInput('123.5')).toBe('123,50');
  });

  it('suggests the next round notes above the due amount', () => {
    expect(suggestTenders('87.00')).toEqual(['100', '200', '500', '1000']);
    expect(suggestTenders('123.00')).toEqual(['150', '200', '500', '1000']);
    expect(suggestTenders('100.00')).toEqual(['200', '500', '1000']);
    expect(suggestTenders('499.01')).toEqual(['500', '600', '1000']);
    expect(suggestTenders('500')).toEqual(['600', '1000']);
    expect(suggestTenders('1234.00')).toEqual(['1250', '1300', '1400', '1500', '2000']);
    expect(suggestTenders('0.50')).toEqual(['50', '100', '200', '500', '1000']);
  });

  it('suggests nothing for nonsense', () => {
    expect(suggestTenders('abc')).toEqual([]);
    expect(suggestTenders('-5')).toEqual([]);
  });
});
