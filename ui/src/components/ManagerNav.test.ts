import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionInfo, StaffMember } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import type { View } from '../lib/till.svelte';
import Header from './Header.svelte';

const session = (staff: StaffMember): SessionInfo => ({ staff, idle_logout_seconds: 300 });
const ANNA: StaffMember = { id: 1, name: 'Anna Andersson', role: 'manager', active: true };
const KALLE: StaffMember = { id: 2, name: 'Kalle Karlsson', role: 'cashier', active: true };

let header: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(staff: StaffMember, onview: (view: View) => void, view: View = 'till'): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  header = mount(Header, {
    target: container,
    props: { identity: null, demo: false, session: session(staff), view, onview },
  });
  flushSync();
}

const nav = (testId: string) => container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
});

afterEach(() => {
  if (header) unmount(header);
  header = null;
  container?.remove();
});

describe('manager navigation', () => {
  it('leads a manager to the catalog import, the approval settings and the opening hours', () => {
    const onview = vi.fn();
    render(ANNA, onview, 'settings');
    expect(nav('nav-catalog')?.textContent?.trim()).toBe('Sortiment');
    expect(nav('nav-settings')?.textContent?.trim()).toBe('Inställningar');
    expect(nav('nav-settings')?.getAttribute('aria-current')).toBe('page');
    expect(nav('nav-catalog')?.hasAttribute('aria-current')).toBe(false);
    expect(nav('nav-reports')?.textContent?.trim()).toBe('Rapporter');
    expect(nav('nav-hours')?.textContent?.trim()).toBe('Öppettider');
    nav('nav-catalog')!.click();
    nav('nav-settings')!.click();
    nav('nav-reports')!.click();
    nav('nav-hours')!.click();
    expect(nav('nav-payments')?.textContent?.trim()).toBe('Betalsätt');
    nav('nav-payments')!.click();
    nav('nav-scan-and-pay')!.click();
    expect(onview.mock.calls).toEqual([['catalog'], ['settings'], ['reports'], ['hours'], ['payments'], ['scan_and_pay']]);
  });

  it('shows a cashier none of those, only the till and the Scan & Pay exit checks', () => {
    const onview = vi.fn();
    render(KALLE, onview);
    expect(nav('nav-catalog')).toBeNull();
    expect(nav('nav-settings')).toBeNull();
    expect(nav('nav-reports')).toBeNull();
    expect(nav('nav-hours')).toBeNull();
    expect(nav('nav-payments')).toBeNull();
    expect(nav('nav-till')?.getAttribute('aria-current')).toBe('page');
    nav('nav-scan-and-pay')!.click();
    expect(onview.mock.calls).toEqual([['scan_and_pay']]);
  });
});
