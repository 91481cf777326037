// The navigation a manager's page shows between the register pages (the status board, reports,
// cash shift, control unit, training mode), the opening hours, the payment methods and Scan & Pay.
// App.svelte provides it; a page mounted on its own (a unit test) has none and shows no
// navigation.

import { getContext, setContext } from 'svelte';
import type { MessageKey } from './i18n';
import type { View } from './till.svelte';

export type ManagerNav = {
  /** The page in front. */
  readonly view: View;
  go(view: View): void;
};

export const REGISTER_VIEWS: readonly { view: View; label: MessageKey; testid: string }[] = [
  { view: 'status', label: 'navStatus', testid: 'register-nav-status' },
  { view: 'reports', label: 'navReports', testid: 'register-nav-reports' },
  { view: 'cash', label: 'navCash', testid: 'register-nav-cash' },
  { view: 'control_unit', label: 'navControlUnit', testid: 'register-nav-control-unit' },
  { view: 'training', label: 'navTraining', testid: 'register-nav-training' },
  { view: 'hours', label: 'navHours', testid: 'register-nav-hours' },
  { view: 'payments', label: 'navPayments', testid: 'register-nav-payments' },
  { view: 'scan_and_pay', label: 'navScanAndPay', testid: 'register-nav-scan-and-pay' },
];

/** The context key (exported for tests, which pass the navigation to `mount` directly). */
export const MANAGER_NAV = Symbol('manager-nav');

/** Called once by the component that owns `till.view` (App.svelte), while it initialises. */
export function provideManagerNav(nav: ManagerNav): void {
  setContext(MANAGER_NAV, nav);
}

/** The navigation, if a parent provided one. Call while a component initialises. */
export function managerNav(): ManagerNav | undefined {
  return getContext<ManagerNav | undefined>(MANAGER_NAV);
}
