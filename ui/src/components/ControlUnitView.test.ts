import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ControlUnitSetting, Outage, TillState } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import ControlUnitView from './ControlUnitView.svelte';

// ---------------------------------------------------------------- fake api

const tillState = vi.fn<Api['tillState']>();
const setControlUnitPolicy = vi.fn<Api['setControlUnitPolicy']>();
const controlOutages = vi.fn<Api['controlOutages']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { tillState, setControlUnitPolicy, controlOutages } as unknown as Api;

const DEFAULT: ControlUnitSetting = { policy: 'stop', decided_by: null, decided_at: null, reason: null };

function state(setting: ControlUnitSetting, outage = false): TillState {
  return {
    training: false,
    electronic: false,
    shift: null,
    control_unit: setting,
    control_unit_number: 'CU-2026-000123',
    control_unit_outage: outage,
    control_unit_simulated_failing: null,
  pending_return: null,
  };
}

const OUTAGES: Outage[] = [
  {
    start_seq: 40,
    end_seq: null,
    started_at: '2026-03-02 14:10:00',
    ended_at: null,
    receipts: [],
    others: [],
    decided_by: 'Anna Lind',
    reason: 'Kontrollenheten byts',
  },
  {
    start_seq: 12,
    end_seq: 19,
    started_at: '2026-03-01 10:00:00',
    ended_at: '2026-03-01 10:45:00',
    receipts: [7, 8, 9],
    others: [],
    decided_by: 'Anna Lind',
    reason: 'Strömavbrott',
  },
];

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(): Promise<void> {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(ControlUnitView, { target: container, props: { till: new Till(fakeApi) } });
  flushSync();
  await waitFor(() => {
    expect(query('control-loading')).toBeNull();
    expect(query('outages-loading')).toBeNull();
  });
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

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
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
  tillState.mockResolvedValue(state(DEFAULT));
  setControlUnitPolicy.mockReset();
  setControlUnitPolicy.mockImplementation(async (policy, reason) => ({
    policy,
    decided_by: { id: 1, name: 'Anna Lind' },
    decided_at: '2026-03-02T13:00:00Z',
    reason,
  }));
  controlOutages.mockReset();
  controlOutages.mockResolvedValue(OUTAGES);
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('control unit view', () => {
  it('shows the unit, the rule in force in plain words, and both choices', async () => {
    await render();
    expect(text('control-unit-number')).toBe('CU-2026-000123');
    expect(get('control-policy').dataset.policy).toBe('stop');
    expect(text('control-policy')).toContain('Sluta sälja när kontrollenheten inte svarar (lagens huvudregel)');
    expect(text('control-decided')).toBe('Grundinställning: ingen har ändrat regeln.');
    expect((get('control-policy-stop') as HTMLInputElement).checked).toBe(true);
    expect(get('control-policy-continue').closest('label')?.textContent).toContain(
      'Sälj vidare och registrera perioden som ett avbrott; kvittona märks EJ REGISTRERAT',
    );
    expect(container.querySelector('label[for="control-reason"]')?.textContent).toBe('Anledning till ändringen');
    expect(query('control-outage-now')).toBeNull();
  });

  it('shows who decided the rule, when and why', async () => {
    tillState.mockResolvedValue(
      state(
        { policy: 'continue', decided_by: { id: 1, name: 'Anna Lind' }, decided_at: '2026-03-02T13:00:00Z', reason: 'Enheten är trasig' },
        true,
      ),
    );
    await render();
    expect(text('control-policy')).toContain('Sälj vidare');
    expect(text('control-decided')).toBe('Beslutat av Anna Lind, 2026-03-02 14:00:00');
    expect(text('control-reason-shown')).toBe('Anledning: Enheten är trasig');
    expect(text('control-outage-now')).toContain('ett avbrott pågår');
    expect((get('control-policy-continue') as HTMLInputElement).checked).toBe(true);
  });

  it('needs a reason, then changes the rule', async () => {
    await render();
    click('control-policy-continue');
    click('control-save');
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(setControlUnitPolicy).not.toHaveBeenCalled();

    typeInto('control-reason', '  Enheten är trasig, ny kommer i morgon ');
    click('control-save');
    await waitFor(() => expect(query('control-notice')).not.toBeNull());
    expect(setControlUnitPolicy).toHaveBeenCalledWith('continue', 'Enheten är trasig, ny kommer i morgon');
    expect(text('control-notice')).toBe('Regeln är sparad.');
    expect(query('error')).toBeNull();
    expect(get('control-policy').dataset.policy).toBe('continue');
    expect(text('control-decided')).toBe('Beslutat av Anna Lind, 2026-03-02 14:00:00');
    expect((get('control-reason') as HTMLInputElement).value).toBe('');
  });

  it('keeps the choice when the backend refuses', async () => {
    setControlUnitPolicy.mockRejectedValue({ code: 'not_allowed', message: 'Managers only.', message_sv: 'Bara chefer.' });
    await render();
    click('control-policy-continue');
    typeInto('control-reason', 'Test');
    click('control-save');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toBe('Bara chefer.');
    expect(get('control-policy').dataset.policy).toBe('stop');
    expect((get('control-policy-continue') as HTMLInputElement).checked).toBe(true);

    locale.set('en');
    flushSync();
    expect(text('error-message')).toBe('Managers only.');
  });

  it('lists the outages: ongoing, and ended with their receipts', async () => {
    await render();
    const rows = container.querySelectorAll<HTMLElement>('[data-testid="outage-row"]');
    expect(rows).toHaveLength(2);
    const cells = (row: HTMLElement) => [...row.querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(cells(rows[0])).toEqual(['2026-03-02 14:10:00', 'pågår', 'inga', 'Anna Lind', 'Kontrollenheten byts']);
    expect(cells(rows[1])).toEqual(['2026-03-01 10:00:00', '2026-03-01 10:45:00', '7, 8, 9', 'Anna Lind', 'Strömavbrott']);
  });

  it('says when there has been no outage', async () => {
    controlOutages.mockResolvedValue([]);
    await render();
    expect(text('outages-empty')).toBe('Inga avbrott är registrerade.');
  });
});
