// What a receipt shows besides its figures: the marks that must stand out (KOPIA,
// ÖVNINGSKVITTO, EJ KVITTO, RETUR), the label of its number, and the type sizes that keep the
// marks at least twice the size of the amounts (SKVFS 2014:9). Always Swedish.

import type { Receipt } from './bindings';
import { RECEIPT_LABELS as L } from './i18n';

/**
 * Font sizes on the receipt paper, set inline so they hold whatever the stylesheet does:
 * a mark is at least twice the largest amount (the grand total).
 */
export const RECEIPT_SIZES = {
  /** Line amounts, payments, VAT. */
  amount: '1rem',
  /** The grand total, the largest amount on the receipt. */
  total: '1.15rem',
  /** KOPIA, ÖVNINGSKVITTO, EJ KVITTO, RETUR. */
  mark: '2.4rem',
} as const;

/** The marks of a receipt, in the order the printer prints them (the copy mark first). */
export function receiptMarks(receipt: Receipt): string[] {
  const marks: string[] = [];
  if (receipt.copy) marks.push(L.markCopy);
  switch (receipt.kind) {
    case 'training':
      marks.push(L.markTraining);
      break;
    case 'pro_forma':
      marks.push(L.markProForma);
      break;
    case 'return':
      marks.push(L.markReturn);
      break;
    case 'sale':
      break;
  }
  return marks;
}

/** "Kvitto nr" (sales and returns), "Övningskvitto nr" or "Proforma nr". */
export function numberLabel(receipt: Receipt): string {
  switch (receipt.kind) {
    case 'training':
      return L.trainingNo;
    case 'pro_forma':
      return L.proFormaNo;
    case 'sale':
    case 'return':
      return L.receiptNo;
  }
}

/** Only real receipts (sales and returns) have a copy; a copy has no copy of its own. */
export function canCopy(receipt: Receipt): boolean {
  return (receipt.kind === 'sale' || receipt.kind === 'return') && !receipt.copy;
}

/** "-50.00" → "50.00": a refund shown as what goes back (string only, no arithmetic). */
export function withoutSign(value: string): string {
  return value.trim().replace(/^[-+]/, '');
}
