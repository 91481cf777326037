// Display helpers for cart lines and receipts (string manipulation only).

import type { CartLine } from './bindings';
import { formatCount, formatKg, formatMoney, isOne } from './money';

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
