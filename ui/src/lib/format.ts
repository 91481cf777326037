// Display helpers for cart lines and receipts (string manipulation only).

import type { CartLine, Discount, Money } from './bindings';
import { formatCount, formatDecimal, formatKg, formatMoney, formatPercent, isOne, isZero, NBSP, splitDecimal } from './money';

export type DetailText = {
  labelPrice: string;
};

/**
 * The second line under a cart line's name:
 * weight items "0,352 kg × 89,90 kr/kg", pieces "3 × 12,50 kr" when the
 * quantity is not 1, label-priced items a short note, otherwise nothing.
 */
export function lineDetail(line: CartLine, text: DetailText): string {
  switch (line.sold_by) {
    case 'weight':
      return `${formatKg(line.quantity)} kg × ${formatMoney(line.unit_price)}/kg`;
    case 'label_price':
      return isOne(line.quantity)
        ? text.labelPrice
        : `${formatCount(line.quantity)} × ${formatMoney(line.unit_price)}`;
    case 'each':
    default:
      return isOne(line.quantity) ? '' : `${formatCount(line.quantity)} × ${formatMoney(line.unit_price)}`;
  }
}

/** "2025-03-01T14:05:09.123+01:00" → "2025-03-01 14:05:09"; anything else unchanged. */
export function formatDateTime(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)/.exec(value.trim());
  return match ? `${match[1]} ${match[2]}` : value;
}

const STOCKHOLM = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An instant (RFC 3339) as Stockholm local time, "2025-03-01 14:05:09". */
export function formatStockholm(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const parts = Object.fromEntries(STOCKHOLM.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A discount as the cashier set it: "−10 %" or "−5,00 kr" (U+2212 minus). */
export function discountLabel(discount: Discount): string {
  return discount.kind === 'percent'
    ? `\u2212${formatPercent(discount.value)}${NBSP}%`
    : `\u2212${formatMoney(discount.value)}`;
}

/** An amount taken off: "4.50" → "−4,50 kr" (nothing for zero). */
export function minusMoney(value: Money): string {
  if (isZero(value)) return formatMoney('0.00');
  const parts = splitDecimal(value);
  if (parts?.negative) return formatMoney(value);
  return `\u2212${formatMoney(value)}`;
}

/** A decimal as a cashier types it: "0.452" → "0,452", "2.000" → "2". */
export function toInput(value: string): string {
  return formatDecimal(value, { minFraction: 0, trimZeros: true, group: false });
}
