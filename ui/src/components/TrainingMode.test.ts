import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { TillState } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import TrainingMode from './TrainingMode.svelte';

// ---------------------------------------------------------------- fake api

const tillState = vi.fn<Api['tillState']>();
const setTraining = vi.fn<Api['setTraining']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { tillState, setTraining } as unknown as Api;

function state(training: boolean): TillState {
  return {
    training,
    electronic: false,
    shift: null,
    control_unit: { policy: 'stop', decided_by: null, decided_at: null, reason: null },
    control_unit_number: 'SIM-0001',
    control_unit_outage: false,
    control_unit_simulated_failing: false,
  pending_return: null,
  };
}

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;
let till: Till;

async function render(): Promise<void> {
  container = document.createElement('div');
  document.body.appendChild(container);
  till = new Till(fakeApi);
  view = mount(TrainingMode, { target: container, props: { till } });
  flushSync();
  await waitFor(() => expect(query('training-loading')).toBeNull());
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

function click(testId: string): void {
  get(testId).click();
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
  tillState.mockReset();
  tillState.mockResolvedValue(state(false));
  setTraining.mockReset();
  setTraining.mockImplementation(async (on) => state(on));
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('training mode', () => {
  it('explains training receipts and turns the mode on and off', async () => {
    await render();
    expect(container.textContent).toContain('ÖVNINGSKVITTO');
    expect(container.textContent).toContain('räknas inte in i försäljningen');
    expect(text('training-status')).toBe('Övningsläget är av.');
    expect(text('training-toggle')).toBe('Slå på övningsläget');

    click('training-toggle');
    await waitFor(() => expect(text('training-status')).toBe('Övningsläget är på.'));
    expect(setTraining).toHaveBeenLastCalledWith(true);
    // The till's own banner knows at once.
    expect(till.tillState?.training).toBe(true);
    expect(text('training-toggle')).toBe('Slå av övningsläget');

    click('training-toggle');
    await waitFor(() => expect(text('training-status')).toBe('Övningsläget är av.'));
    expect(setTraining).toHaveBeenLastCalledWith(false);

    locale.set('en');
    flushSync();
    expect(text('training-toggle')).toBe('Turn training mode on');
  });

  it('shows why the mode cannot change while a sale is in progress', async () => {
    setTraining.mockRejectedValue({
      code: 'invalid_input',
      message: 'A sale is in progress: finish or park it first',
      message_sv: 'Ett köp pågår: slutför eller parkera det först',
    });
    await render();
    click('training-toggle');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toBe('Ett köp pågår: slutför eller parkera det först');
    expect(text('training-status')).toBe('Övningsläget är av.');
    expect((get('training-toggle') as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers no switch until it knows the current mode', async () => {
    tillState.mockRejectedValueOnce({ code: 'storage', message: 'Disk trouble.', message_sv: 'Diskfel.' });
    await render();
    expect(text('error-message')).toBe('Diskfel.');
    expect(query('training-toggle')).toBeNull();
    click('training-retry');
    await waitFor(() => expect(query('training-toggle')).not.toBeNull());
    expect(query('error')).toBeNull();
  });
});
