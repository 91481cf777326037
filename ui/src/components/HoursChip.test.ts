import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HoursStatus } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { hoursStatus } from '../lib/testing/hours';
import HoursChip from './HoursChip.svelte';

/** Friday 27 November 2026, 20:35 in Stockholm; closing at 21:00. */
const OPEN = hoursStatus();

let chip: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(props: { status: HoursStatus; onopen?: () => void }): HTMLElement {
  container = document.createElement('div');
  document.body.appendChild(container);
  chip = mount(HoursChip, { target: container, props });
  flushSync();
  return container.querySelector<HTMLElement>('[data-testid="hours-chip"]')!;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(new Date(OPEN.at));
  localStorage.clear();
  locale.set('sv');
});

afterEach(() => {
  if (chip) unmount(chip);
  chip = null;
  container?.remove();
  vi.useRealTimers();
});

describe('hours chip', () => {
  it('counts the minutes to closing down on the local clock, every 30 s', () => {
    const element = render({ status: OPEN });
    expect(element.dataset.open).toBe('true');
    expect(element.textContent).toBe('Öppet · stänger om 25 min (21:00). Ordinarie veckoschema (fredag)');
    expect(element.title).toBe('Ordinarie veckoschema (fredag)');
    vi.advanceTimersByTime(30_000);
    flushSync();
    expect(element.textContent).toContain('Öppet · stänger om 25 min (21:00)');
    vi.advanceTimersByTime(30_000);
    flushSync();
    expect(element.textContent).toContain('Öppet · stänger om 24 min (21:00)');
    locale.set('en');
    flushSync();
    expect(element.textContent).toContain('Open · closing in 24 min (21:00)');
    expect(element.title).toBe('Regular weekly hours (Friday)');
  });

  it('is a labelled button when it leads somewhere', () => {
    const onopen = vi.fn();
    const closed = hoursStatus({ open: false, next_change: '2026-11-28T07:00:00Z', reason_sv: 'Ordinarie veckoschema (fredag)' });
    const element = render({ status: closed, onopen });
    expect(element.tagName).toBe('BUTTON');
    expect(element.dataset.open).toBe('false');
    expect(element.getAttribute('aria-label')).toBe(
      'Öppettider: Stängt · öppnar i morgon 08:00. Ordinarie veckoschema (fredag). visa öppettiderna',
    );
    element.focus();
    expect(document.activeElement).toBe(element);
    element.click();
    expect(onopen).toHaveBeenCalledTimes(1);
  });
});
