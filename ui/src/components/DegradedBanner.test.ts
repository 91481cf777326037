import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StaffMember, StatusBoard } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { DEGRADED_MODE, incidentSummary, ISLAND_MODE, statusBoard } from '../lib/testing/status';
import DegradedBanner from './DegradedBanner.svelte';
import Header from './Header.svelte';
import ModeChip from './ModeChip.svelte';

const ANNA: StaffMember = { id: 1, name: 'Anna Lind', role: 'manager', active: true };
const KALLE: StaffMember = { id: 2, name: 'Kalle Karlsson', role: 'cashier', active: true };

const DRILL = incidentSummary({ id: 9, practice: true, cause: 'Övning', drill: ['card_acquirer', 'swish'] });

let component: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function renderBanner(board: StatusBoard): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  component = mount(DegradedBanner, { target: container, props: { board } });
  flushSync();
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function text(testId: string): string {
  return (query(testId)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  container?.remove();
});

describe('the till’s degraded-mode banner', () => {
  it('shows nothing in normal mode with no drill', () => {
    renderBanner(statusBoard());
    expect(query('degraded-banner')).toBeNull();
    expect(query('drill-banner')).toBeNull();
    expect(container.textContent?.trim()).toBe('');
  });

  it('says Nödläge and what it means at the till', () => {
    renderBanner(statusBoard({ mode: DEGRADED_MODE }));
    expect(query('degraded-banner')?.dataset.mode).toBe('degraded');
    expect(query('degraded-banner')?.getAttribute('role')).toBe('status');
    expect(text('degraded-banner-title')).toBe('Nödläge');
    expect([...query('degraded-banner')!.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Kort tas offline upp till taket',
      'Kontanter och Swish fungerar',
    ]);
    expect(query('drill-banner')).toBeNull();
    locale.set('en');
    flushSync();
    expect(text('degraded-banner-title')).toBe('Degraded mode');
    expect(text('degraded-banner')).toContain('Cash and Swish work');
  });

  it('says Ö-läge in island mode', () => {
    renderBanner(statusBoard({ mode: ISLAND_MODE }));
    expect(query('degraded-banner')?.dataset.mode).toBe('island');
    expect(text('degraded-banner-title')).toBe('Ö-läge');
    expect(text('degraded-banner')).toContain('Ingen fjärrstyrning tas emot');
  });

  it('tells cashiers a drill’s failures are practice', () => {
    renderBanner(statusBoard({ mode: DEGRADED_MODE, drill: DRILL }));
    expect(text('drill-banner')).toBe('ÖVNING: Kortinlösare, Swish (simulerat)');
    // A drill during a real outage: the outage stays real, the drill has its own banner.
    expect(text('degraded-banner-title')).toBe('Nödläge');
    locale.set('en');
    flushSync();
    expect(text('drill-banner')).toBe('DRILL: Card acquirer, Swish (simulated)');
  });

  it('shows a drill even while the mode is still normal', () => {
    renderBanner(statusBoard({ drill: DRILL }));
    expect(query('degraded-banner')).toBeNull();
    expect(text('drill-banner')).toBe('ÖVNING: Kortinlösare, Swish (simulerat)');
  });
});

describe('the mode chip', () => {
  function renderChip(board: StatusBoard, onopen?: () => void): HTMLElement {
    container = document.createElement('div');
    document.body.appendChild(container);
    component = mount(ModeChip, { target: container, props: { board, onopen } });
    flushSync();
    return query('mode-chip')!;
  }

  it('says the real mode in words, with the drill beside it, never on it', () => {
    const chip = renderChip(statusBoard());
    expect(chip.dataset.mode).toBe('normal');
    expect(chip.tagName).toBe('SPAN');
    expect(text('mode-chip')).toBe('Normal');
    unmount(component!);
    container.remove();

    const degraded = renderChip(statusBoard({ mode: DEGRADED_MODE, drill: DRILL }));
    expect(degraded.dataset.mode).toBe('degraded');
    expect(text('mode-chip')).toBe('Nödläge');
    expect(text('drill-chip')).toBe('ÖVNING PÅGÅR');
    expect(degraded.title).toBe('Kort tas offline upp till taket Kontanter och Swish fungerar');
    locale.set('en');
    flushSync();
    expect(text('mode-chip')).toBe('Degraded');
    expect(text('drill-chip')).toBe('DRILL UNDER WAY');
  });

  it('is a labelled button when it leads to the status page', () => {
    const onopen = vi.fn();
    const chip = renderChip(statusBoard({ mode: ISLAND_MODE }), onopen);
    expect(chip.tagName).toBe('BUTTON');
    expect(chip.dataset.mode).toBe('island');
    expect(chip.getAttribute('aria-label')).toBe('Ö-läge. Visa läget');
    chip.click();
    expect(onopen).toHaveBeenCalledTimes(1);
  });
});

describe('the mode chip in the header', () => {
  function renderHeader(staff: StaffMember, board: StatusBoard | null, onview = vi.fn()): typeof onview {
    container = document.createElement('div');
    document.body.appendChild(container);
    component = mount(Header, {
      target: container,
      props: { identity: null, demo: false, session: { staff, idle_logout_seconds: 300 }, board, onview },
    });
    flushSync();
    return onview;
  }

  it('leads a manager to the status page', () => {
    const onview = renderHeader(ANNA, statusBoard({ mode: DEGRADED_MODE }));
    const chip = query('mode-chip')!;
    expect(chip.tagName).toBe('BUTTON');
    chip.click();
    expect(onview.mock.calls).toEqual([['status']]);
  });

  it('shows a cashier the mode, not a link', () => {
    const onview = renderHeader(KALLE, statusBoard({ mode: ISLAND_MODE }));
    expect(query('mode-chip')?.tagName).toBe('SPAN');
    expect(text('mode-chip')).toBe('Ö-läge');
    expect(onview).not.toHaveBeenCalled();
  });

  it('shows no chip before the board has come', () => {
    renderHeader(ANNA, null);
    expect(query('mode-chip')).toBeNull();
  });
});
