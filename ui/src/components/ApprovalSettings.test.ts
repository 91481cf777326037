import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import { APPROVAL_ACTIONS } from '../lib/approval';
import type { ApprovalPolicy } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import ApprovalSettings from './ApprovalSettings.svelte';

// ---------------------------------------------------------------- fake api

const approvalPolicy = vi.fn<Api['approvalPolicy']>();
const setApprovalPolicy = vi.fn<Api['setApprovalPolicy']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { approvalPolicy, setApprovalPolicy } as unknown as Api;

let stored: ApprovalPolicy;

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(): Promise<void> {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(ApprovalSettings, { target: container, props: { till: new Till(fakeApi) } });
  flushSync();
  await waitFor(() => expect(query('settings-loading')).toBeNull());
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function text(testId: string): string {
  return (get(testId).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function box(action: string): HTMLInputElement {
  return get(`approval-${action}`) as HTMLInputElement;
}

function ticked(): string[] {
  return APPROVAL_ACTIONS.filter((action) => box(action).checked);
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function save(): void {
  get('settings-save').click();
  flushSync();
}

function waitFor(assertion: () => void): Promise<void> {
  return vi.waitFor(
    () => {
      flushSync();
      assertion();
    },
    { timeout: 2000, interval: 5 },
  );
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  stored = { needs_approval: ['void_line', 'return', 'abandon_sale'], discount_limit_percent: '12.5' };
  approvalPolicy.mockReset();
  approvalPolicy.mockImplementation(async () => stored);
  setApprovalPolicy.mockReset();
  setApprovalPolicy.mockImplementation(async (policy) => {
    stored = policy;
    return policy;
  });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('approval settings view', () => {
  it('shows the current setting: one translated checkbox per step and the limit', async () => {
    await render();
    expect(container.querySelectorAll('input[type="checkbox"]')).toHaveLength(6);
    expect(ticked()).toEqual(['void_line', 'return', 'abandon_sale']);
    expect(box('open_drawer').closest('label')?.textContent).toContain('Öppna kassalådan utan köp');
    expect((get('discount-limit') as HTMLInputElement).value).toBe('12,5');
    expect(container.querySelector('label[for="discount-limit"]')?.textContent).toContain('Rabattgräns');

    locale.set('en');
    flushSync();
    expect(box('sell_outside_hours').closest('label')?.textContent).toContain('Sell outside opening hours');
  });

  it('needs a valid limit and a reason, then saves the ticked steps', async () => {
    await render();
    box('void_line').click();
    box('open_drawer').click();
    flushSync();
    expect(ticked()).toEqual(['return', 'open_drawer', 'abandon_sale']);

    typeInto('discount-limit', '150');
    typeInto('settings-reason', 'Ny rutin');
    save();
    expect(text('error-message')).toBe('Rabattgränsen ska vara ett tal från 0 till 100.');

    typeInto('discount-limit', '15,25');
    typeInto('settings-reason', '   ');
    save();
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(setApprovalPolicy).not.toHaveBeenCalled();

    typeInto('settings-reason', ' Ny rutin från maj ');
    save();
    await waitFor(() => expect(query('settings-notice')).not.toBeNull());
    expect(setApprovalPolicy).toHaveBeenCalledWith(
      { needs_approval: ['return', 'open_drawer', 'abandon_sale'], discount_limit_percent: '15.25' },
      'Ny rutin från maj',
    );
    expect(text('settings-notice')).toBe('Inställningen är sparad.');
    expect(query('error')).toBeNull();
    expect((get('settings-reason') as HTMLInputElement).value).toBe('');
    expect((get('discount-limit') as HTMLInputElement).value).toBe('15,25');
  });

  it('shows what the backend saved', async () => {
    await render();
    setApprovalPolicy.mockResolvedValue({ needs_approval: ['void_line'], discount_limit_percent: '10.00' });
    typeInto('settings-reason', 'Test');
    save();
    await waitFor(() => expect(query('settings-notice')).not.toBeNull());
    expect(ticked()).toEqual(['void_line']);
    expect((get('discount-limit') as HTMLInputElement).value).toBe('10');
  });

  it('keeps the form as typed when the backend refuses', async () => {
    await render();
    setApprovalPolicy.mockRejectedValue({
      code: 'not_allowed',
      message: 'Only a manager may do that.',
      message_sv: 'Bara en chef får göra det.',
    });
    box('return').click();
    typeInto('settings-reason', 'Test');
    save();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toBe('Bara en chef får göra det.');
    expect(query('settings-notice')).toBeNull();
    expect(ticked()).toEqual(['void_line', 'abandon_sale']);
    expect((get('settings-reason') as HTMLInputElement).value).toBe('Test');
    expect((get('settings-save') as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows no form when the setting cannot be read, and tries again', async () => {
    approvalPolicy.mockRejectedValueOnce({ code: 'storage', message: 'Disk trouble.', message_sv: 'Diskfel.' });
    await render();
    expect(text('error-message')).toBe('Diskfel.');
    expect(query('settings-save')).toBeNull();
    expect(query('approval-void_line')).toBeNull();

    get('settings-retry').click();
    await waitFor(() => expect(query('settings-save')).not.toBeNull());
    expect(query('error')).toBeNull();
    expect(ticked()).toEqual(['void_line', 'return', 'abandon_sale']);
    expect(approvalPolicy).toHaveBeenCalledTimes(2);
  });
});
