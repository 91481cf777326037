// Swedish formatting of the decimal strings the backend sends.
//
// Money and quantities arrive as strings such as "1234.5" or "-0.45". They are
// formatted with string manipulation only: never through Number/parseFloat, so
// no value is ever changed by binary floating point. The UI never computes
// totals; it only shows what the backend priced.

import type { Money } from './bindings';

/** No-break space: thousands separator and the gap before the unit. */
export const NBSP = '\u00a0';

export type DecimalParts = {
  negative: boolean;
  /** Integer digits without leading zeros ("0" for zero). */
  int: string;
  /** Fraction digits exactly as given (may be empty). */
  frac: string;
};

const DECIMAL_RE = /^([+-]?)(\d*)(?:[.,](\d*))?$/;

/** Splits "-1234.50" / "1234,5" into sign, integer and fraction digits. */
export function splitDecimal(value: string): DecimalParts | null {
  const match = DECIMAL_RE.exec(value.trim());
  if (!match) return null;
  const [, sign, rawInt = '', rawFrac] = match;
  const frac = rawFrac ?? '';
  if (rawInt === '' && frac === '') return null;
  const int = rawInt.replace(/^0+(?=\d)/, '') || '0';
  const zero = /^0*$/.test(int) && /^0*$/.test(frac);
  return { negative: sign === '-' && !zero, int, frac };
}

/** "1234567" → "1 234 567" (no-break spaces). */
export function groupThousands(int: string, separator: string = NBSP): string {
  let out = '';
  for (let i = 0; i < int.length; i++) {
    const fromEnd = int.length - i;
    if (i > 0 && fromEnd % 3 === 0) out += separator;
    out += int[i];
  }
  return out;
}

export type DecimalFormat = {
  /** Pad the fraction with zeros to at least this many digits. */
  minFraction?: number;
  /** Drop trailing fraction zeros beyond minFraction. */
  trimZeros?: boolean;
  /** Group the integer part in thousands. */
  group?: boolean;
};

/** Formats a decimal string Swedish style: comma decimals, spaced thousands. */
export function formatDecimal(value: string, options: DecimalFormat = {}): string {
  const { minFraction = 0, trimZeros = true, group = true } = options;
  const parts = splitDecimal(value);
  if (!parts) return value;
  let frac = parts.frac;
  if (trimZeros) {
    while (frac.length > minFraction && frac.endsWith('0')) frac = frac.slice(0, -1);
  }
  if (frac.length < minFraction) frac = frac.padEnd(minFraction, '0');
  const int = group ? groupThousands(parts.int) : parts.int;
  return `${parts.negative ? '-' : ''}${int}${frac ? `,${frac}` : ''}`;
}

export type MoneyFormat = {
  /** Append " kr" (default true). */
  unit?: boolean;
};

/**
 * formatMoney("1234.5") → "1 234,50 kr" (no-break spaces).
 * At least two decimals; extra non-zero decimals are kept, never rounded.
 * A value that is not a decimal string is returned unchanged.
 */
export function formatMoney(value: Money, options: MoneyFormat = {}): string {
  const { unit = true } = options;
  if (!splitDecimal(value)) return value;
  const amount = formatDecimal(value, { minFraction: 2, trimZeros: true });
  return unit ? `${amount}${NBSP}kr` : amount;
}

/** VAT rates: "12.00" → "12", "6" → "6", "12.5" → "12,5". */
export function formatPercent(value: string): string {
  return formatDecimal(value, { minFraction: 0, trimZeros: true, group: false });
}

/** Weight in kg: "0.35" → "0,350". */
export function formatKg(value: string): string {
  return formatDecimal(value, { minFraction: 3, trimZeros: true });
}

/** Piece count: "3.000" → "3". */
export function formatCount(value: string): string {
  return formatDecimal(value, { minFraction: 0, trimZeros: true });
}

export function isZero(value: string): boolean {
  const parts = splitDecimal(value);
  return parts !== null && /^0*$/.test(parts.int) && /^0*$/.test(parts.frac);
}

export function isOne(value: string): boolean {
  const parts = splitDecimal(value);
  return parts !== null && !parts.negative && parts.int === '1' && /^0*$/.test(parts.frac);
}

/**
 * The string a cashier would type for an amount: "123.00" → "123",
 * "123.50" → "123,50". Used to fill the tendered field.
 */
export function toTenderInput(value: Money): string {
  const parts = splitDecimal(value);
  if (!parts) return value;
  if (/^0*$/.test(parts.frac)) return `${parts.negative ? '-' : ''}${parts.int}`;
  const frac = parts.frac.padEnd(2, '0');
  return `${parts.negative ? '-' : ''}${parts.int},${frac}`;
}

/**
 * Whole-krona amounts a customer is likely to hand over for `due`: the next
 * multiple of 50, 100, 200, 500 and 1000 kr at or above the due amount (the
 * due amount itself excluded: that is the exact button), without
 * duplicates, ascending. Exact integer arithmetic on öre (BigInt), never floats.
 * Only a convenience for the quick buttons: the backend validates the payment.
 */
export function suggestTenders(due: Money, steps: readonly number[] = [50, 100, 200, 500, 1000]): string[] {
  const parts = splitDecimal(due);
  if (!parts || parts.negative) return [];
  const hundred = BigInt(100);
  const frac2 = parts.frac.padEnd(2, '0').slice(0, 2);
  let ore = BigInt(parts.int) * hundred + BigInt(frac2);
  if (/[1-9]/.test(parts.frac.slice(2))) ore += BigInt(1);
  const out: string[] = [];
  for (const step of steps) {
    const stepOre = BigInt(step) * hundred;
    const next = ((ore + stepOre - BigInt(1)) / stepOre) * stepOre;
    // Equal to the due amount is the "exact" button's job.
    if (next <= ore) continue;
    const kr = (next / hundred).toString();
    if (!out.includes(kr)) out.push(kr);
  }
  return out.sort((a, b) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0));
}
