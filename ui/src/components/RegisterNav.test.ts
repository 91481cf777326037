import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import { locale } from '../lib/locale.svelte';
import { MANAGER_NAV, type ManagerNav } from '../lib/managerNav';
import { Till, type View } from '../lib/till.svelte';
import TrainingMode from './TrainingMode.svelte';

// A page only needs the api to load its own figures; the navigation is what is tested here.
const fakeApi = { tillState: vi.fn(() => new Promise(() => {})) } as unknown as Api;

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(context?: Map<symbol, ManagerNav>): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(TrainingMode, { target: container, props: { till: new Till(fakeApi) }, context });
  flushSync();
}

const nav = (testId: string) => container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

describe('register navigation on a manager page', () => {
  it('leads to the status board, the reports, the cash shift, the control unit, training mode, the opening hours, the payments and Scan & Pay', () => {
    const go = vi.fn<(view: View) => void>();
    render(new Map([[MANAGER_NAV, { view: 'training', go }]]));
    expect(nav('register-nav')?.getAttribute('aria-label')).toBe('Kassaregister');
    // The status board comes first: it is where a manager looks when something is down.
    const buttons = [...nav('register-nav')!.querySelectorAll('button')];
    expect(buttons[0]?.dataset.testid).toBe('register-nav-status');
    expect(nav('register-nav-status')?.textContent?.trim()).toBe('Läge');
    nav('register-nav-status')!.click();
    expect(nav('register-nav-reports')?.textContent?.trim()).toBe('Rapporter');
    expect(nav('register-nav-cash')?.textContent?.trim()).toBe('Kassaskift');
    expect(nav('register-nav-control-unit')?.textContent?.trim()).toBe('Kontrollenhet');
    expect(nav('register-nav-training')?.getAttribute('aria-current')).toBe('page');
    expect(nav('register-nav-reports')?.hasAttribute('aria-current')).toBe(false);
    nav('register-nav-reports')!.click();
    nav('register-nav-cash')!.click();
    nav('register-nav-control-unit')!.click();
    expect(nav('register-nav-hours')?.textContent?.trim()).toBe('Öppettider');
    nav('register-nav-hours')!.click();
    expect(nav('register-nav-payments')?.textContent?.trim()).toBe('Betalsätt');
    expect(nav('register-nav-scan-and-pay')?.textContent?.trim()).toBe('Scan & Pay');
    nav('register-nav-payments')!.click();
    nav('register-nav-scan-and-pay')!.click();
    expect(go.mock.calls).toEqual([['status'], ['reports'], ['cash'], ['control_unit'], ['hours'], ['payments'], ['scan_and_pay']]);

    locale.set('en');
    flushSync();
    expect(nav('register-nav-cash')?.textContent?.trim()).toBe('Cash');
  });

  it('is left out where nobody provides it', () => {
    render();
    expect(nav('register-nav')).toBeNull();
  });
});
