// The approval setting as the manager edits it: which cashier steps need a
// manager's PIN, and the discount limit. The backend checks it all again.

import type { Action, ApprovalPolicy } from './bindings';
import type { Lang, MessageKey } from './i18n';

/** The steps the setting can switch, in the order the screen lists them. */
export const APPROVAL_ACTIONS = [
  'void_line',
  'discount_over_limit',
  'return',
  'open_drawer',
  'sell_outside_hours',
  'abandon_sale',
] as const satisfies readonly Action[];

export type ApprovableAction = (typeof APPROVAL_ACTIONS)[number];

export const ACTION_LABELS: Record<ApprovableAction, MessageKey> = {
  void_line: 'actionVoidLine',
  discount_over_limit: 'actionDiscountOverLimit',
  return: 'actionReturn',
  open_drawer: 'actionOpenDrawer',
  sell_outside_hours: 'actionSellOutsideHours',
  abandon_sale: 'actionAbandonSale',
};

export function isApprovable(action: Action): action is ApprovableAction {
  return (APPROVAL_ACTIONS as readonly Action[]).includes(action);
}

const PERCENT = /^\d{1,3}(?:[.,]\d{1,2})?$/;

/**
 * A percent as typed ("12,5", "12.5", " 10 ") in the form the backend reads
 * ("12.5"); null unless it is a number from 0 to 100 with at most two decimals.
 */
export function parsePercent(text: string): string | null {
  const trimmed = text.trim();
  if (!PERCENT.test(trimmed)) return null;
  const value = Number(trimmed.replace(',', '.'));
  if (!Number.isFinite(value) || value < 0 || value > 100) return null;
  return String(value);
}

/** The backend's percent ("12.50") as a person writes it ("12,5" in Swedish). */
export function formatPercent(value: string, lang: Lang): string {
  let text = value.trim();
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return lang === 'sv' ? text.replace('.', ',') : text;
}

/** The policy to send: the ticked steps in screen order, nothing else. */
export function buildPolicy(ticked: Iterable<Action>, discountLimitPercent: string): ApprovalPolicy {
  const set = new Set(ticked);
  return {
    needs_approval: APPROVAL_ACTIONS.filter((action) => set.has(action)),
    discount_limit_percent: discountLimitPercent,
  };
}
