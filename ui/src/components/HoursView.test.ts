import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ApiError, DayPlan, HoursChange, HoursStatus, HoursView as HoursInfo, Role } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import HoursView from './HoursView.svelte';

// ---------------------------------------------------------------- fixtures

/** Sunday 20 December 2026, 15:35 in Stockholm. */
const NOW = '2026-12-20T14:35:00Z';

const OPEN: HoursStatus = {
  at: NOW,
  open: true,
  decided: { kind: 'weekly', weekday: 'sunday' },
  since: '2026-12-20T09:00:00Z',
  next_change: '2026-12-20T15:00:00Z',
  minutes_to_change: 25,
  in_grace: false,
  refresh_at: null,
  summary_sv: 'Öppet – stänger om 25 min (16:00)',
  summary_en: 'Open – closing in 25 min (16:00)',
  reason_sv: 'Ordinarie veckoschema (söndag)',
  reason_en: 'Regular weekly hours (Sunday)',
};

const CLOSED_NOW: HoursStatus = {
  ...OPEN,
  at: '2026-12-20T14:36:00Z',
  open: false,
  decided: { kind: 'override', id: 6, open: false, reason: 'IT-incident' },
  since: '2026-12-20T14:36:00Z',
  next_change: null,
  minutes_to_change: null,
  summary_sv: 'Stängt tills vidare',
  summary_en: 'Closed until further notice',
  reason_sv: 'Stängt nu av chef: IT-incident',
  reason_en: 'Closed now by a manager: IT-incident',
};

function day(
  date: string,
  weekday: [string, string],
  hours: [string, string],
  decided: DayPlan['decided'],
  reasons: [string[], string[]],
  special: DayPlan['special_day'] = null,
): DayPlan {
  return {
    date,
    weekday_sv: weekday[0],
    weekday_en: weekday[1],
    intervals: [],
    hours_sv: hours[0],
    hours_en: hours[1],
    special_day: special,
    decided,
    reasons_sv: reasons[0],
    reasons_en: reasons[1],
  };
}

const weekly = (weekday: string): DayPlan['decided'][number] => ({ kind: 'weekly', weekday });
const regular = (sv: string, en: string): [string[], string[]] => [[`Ordinarie veckoschema (${sv})`], [`Regular weekly hours (${en})`]];

const WEEK: DayPlan[] = [
  day('2026-12-20', ['söndag', 'Sunday'], ['10:00–16:00', '10:00–16:00'], [weekly('sunday')], regular('söndag', 'Sunday')),
  day('2026-12-21', ['måndag', 'Monday'], ['08:00–21:00', '08:00–21:00'], [weekly('monday')], regular('måndag', 'Monday')),
  day(
    '2026-12-22',
    ['tisdag', 'Tuesday'],
    ['Stängt', 'Closed'],
    [weekly('tuesday'), { kind: 'temporary', id: 5, reason: 'Inventering' }],
    [
      ['Ordinarie veckoschema (tisdag)', 'Tillfällig ändring: Inventering'],
      ['Regular weekly hours (Tuesday)', 'Temporary change: Inventering'],
    ],
  ),
  day('2026-12-23', ['onsdag', 'Wednesday'], ['08:00–21:00', '08:00–21:00'], [weekly('wednesday')], regular('onsdag', 'Wednesday')),
  day(
    '2026-12-24',
    ['torsdag', 'Thursday'],
    ['10:00–14:00', '10:00–14:00'],
    [weekly('thursday'), { kind: 'special_day', day: 'julafton' }],
    [
      ['Ordinarie veckoschema (torsdag)', 'Särskild dag: Julafton'],
      ['Regular weekly hours (Thursday)', 'Special day: Christmas Eve'],
    ],
    'julafton',
  ),
  day(
    '2026-12-25',
    ['fredag', 'Friday'],
    ['Stängt', 'Closed'],
    [weekly('friday'), { kind: 'special_day', day: 'juldagen' }],
    [
      ['Ordinarie veckoschema (fredag)', 'Särskild dag: Juldagen'],
      ['Regular weekly hours (Friday)', 'Special day: Christmas Day'],
    ],
    'juldagen',
  ),
  day('2026-12-26', ['lördag', 'Saturday'], ['10:00–16:00', '10:00–16:00'], [weekly('saturday')], regular('lördag', 'Saturday'), 'annandag_jul'),
];

const INVENTORY: HoursChange = {
  id: 5,
  rule: { kind: 'temporary', starts: '2026-12-22', ends: '2026-12-22', hours: 'closed' },
  reason: 'Inventering',
  made_by: { id: 1, name: 'Anna Lind' },
  made_at: '2026-12-01T09:00:00Z',
  ended: null,
};

const VIEW: HoursInfo = {
  status: OPEN,
  week: WEEK,
  configured: true,
  standing: {
    week: {
      monday: '08:00-21:00',
      tuesday: '08:00-21:00',
      wednesday: '08:00-21:00',
      thursday: '08:00-21:00',
      friday: '08:00-21:00',
      saturday: '10:00-16:00',
      sunday: '10:00-16:00',
    },
    special_days: [
      { day: 'julafton', hours: '10:00-14:00' },
      { day: 'juldagen', hours: 'closed' },
    ],
    grace_minutes: 10,
  },
  form: {
    week: ['08:00-21:00', '08:00-21:00', '08:00-21:00', '08:00-21:00', '08:00-21:00', '10:00-16:00', '10:00-16:00'],
    special_days: [
      { day: 'julafton', hours: '10:00-14:00' },
      { day: 'juldagen', hours: 'closed' },
    ],
    grace_minutes: 10,
  },
  changes: [INVENTORY],
  notice: { sv: 'Välkommen in!', en: 'Welcome in!' },
  feed_http: { enabled: false, bind: '127.0.0.1:8787' },
  calendar: [
    { day: 'julafton', name_sv: 'Julafton', name_en: 'Christmas Eve', date: '2026-12-24' },
    { day: 'juldagen', name_sv: 'Juldagen', name_en: 'Christmas Day', date: '2026-12-25' },
    { day: 'annandag_jul', name_sv: 'Annandag jul', name_en: 'Boxing Day', date: '2026-12-26' },
    { day: 'nyarsafton', name_sv: 'Nyårsafton', name_en: 'New Year’s Eve', date: '2026-12-31' },
  ],
  public_dir: '/data/demo/public',
  publish_problem: null,
  feed_listening: null,
};

const apiError = (code: ApiError['code'], message: string, message_sv: string): ApiError => ({ code, message, message_sv });

// ---------------------------------------------------------------- fake api

const hoursView = vi.fn<Api['hoursView']>();
const addHoursChange = vi.fn<Api['addHoursChange']>();
const endHoursChange = vi.fn<Api['endHoursChange']>();
const setOpeningHours = vi.fn<Api['setOpeningHours']>();
const setCustomerNotice = vi.fn<Api['setCustomerNotice']>();
const setFeedHttp = vi.fn<Api['setFeedHttp']>();
const onHoursChanged = vi.fn<Api['onHoursChanged']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { hoursView, addHoursChange, endHoursChange, setOpeningHours, setCustomerNotice, setFeedHttp, onHoursChanged } as unknown as Api;

/** The backend's `hours-changed` event, as the till subscribed to it. */
let sendEvent: (status: HoursStatus) => void = () => {
  throw new Error('nobody listens to hours-changed');
};

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

async function render(role: Role = 'manager'): Promise<Till> {
  const till = new Till(fakeApi);
  till.session = { staff: { id: 1, name: 'Anna Lind', role, active: true }, idle_logout_seconds: 300 };
  till.status = {
    identity: { company_name: 'Demobutiken AB', org_number: '556677-8899', address: 'Storgatan 1', register_id: 'KASSA-1' },
    demo: false,
    demo_items: [],
    staff: [],
    needs_first_manager: false,
    demo_staff: [],
    session: till.session,
    simulated_devices: false,
  };
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(HoursView, { target: container, props: { till } });
  flushSync();
  await waitFor(() => expect(query('hours-loading')).toBeNull());
  return till;
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

/** Dialogs are inside the container too (rendered after the page). */
function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** A table row's cells, each as its words ("Söndag 2026-12-20 (i dag)"). */
function cells(row: Element | null | undefined): string[] {
  return [...(row?.querySelectorAll('th, td') ?? [])].map((cell) =>
    squash([...cell.childNodes].map((node) => node.textContent).join(' ')),
  );
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement | HTMLTextAreaElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function check(testId: string, checked: boolean): void {
  const input = get(testId) as HTMLInputElement;
  if (input.checked !== checked) input.click();
  flushSync();
}

function click(testId: string): void {
  get(testId).click();
  flushSync();
}

function value(testId: string): string {
  return (get(testId) as HTMLInputElement).value;
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
  // The clock and the display's tick only; promises and waitFor run as usual.
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(new Date(NOW));
  localStorage.clear();
  locale.set('sv');
  for (const mock of [hoursView, addHoursChange, endHoursChange, setOpeningHours, setCustomerNotice, setFeedHttp, onHoursChanged]) {
    mock.mockReset();
  }
  hoursView.mockResolvedValue(VIEW);
  onHoursChanged.mockImplementation(async (handler) => {
    sendEvent = handler;
    return () => {};
  });
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
  vi.useRealTimers();
});

// ------------------------------------------------------------------- tests

describe('opening hours view', () => {
  it('shows the state now with its reason, and the precedence of the rules', async () => {
    await render();
    expect(get('hours-now').dataset.open).toBe('true');
    expect(text('hours-now')).toContain('Öppet – stänger om 25 min (16:00)');
    expect(text('hours-now')).toContain('Varför: Ordinarie veckoschema (söndag)');
    expect(text('hours-view')).toContain(
      'högst först: Stäng nu/Öppna nu, tillfälliga ändringar, helgdagarnas egna tider, veckoschemat',
    );
    expect(text('hours-view')).toContain('Kunderna ser aldrig anledningen');
    expect(hoursView).toHaveBeenCalledTimes(1);
  });

  it('lists the coming week: hours, special days, why, and the changed day marked', async () => {
    await render();
    const rows = get('hours-week').querySelectorAll('tbody tr');
    expect(rows).toHaveLength(7);
    expect(cells(get('hours-day-2026-12-20'))).toEqual(['Söndag 2026-12-20 (i dag)', '10:00–16:00', '', 'Ordinarie veckoschema (söndag)']);
    const inventory = get('hours-day-2026-12-22');
    expect(inventory.dataset.changed).toBe('true');
    expect(cells(inventory)).toEqual([
      'Tisdag 2026-12-22',
      'Stängt Ändrat',
      '',
      'Ordinarie veckoschema (tisdag); Tillfällig ändring: Inventering',
    ]);
    const christmasEve = get('hours-day-2026-12-24');
    expect(christmasEve.dataset.changed).toBe('false');
    expect(cells(christmasEve)).toEqual([
      'Torsdag 2026-12-24',
      '10:00–14:00',
      'Julafton',
      'Ordinarie veckoschema (torsdag); Särskild dag: Julafton',
    ]);

    locale.set('en');
    flushSync();
    expect(cells(get('hours-day-2026-12-24'))).toEqual([
      'Thursday 2026-12-24',
      '10:00–14:00',
      'Christmas Eve',
      'Regular weekly hours (Thursday); Special day: Christmas Eve',
    ]);
    expect(cells(get('hours-day-2026-12-22'))[1]).toBe('Closed Changed');
    expect(text('hours-now')).toContain('Open – closing in 25 min (16:00)');
  });

  it('follows the backend’s event: asks for the view again, no polling', async () => {
    const till = await render();
    hoursView.mockResolvedValue({ ...VIEW, status: CLOSED_NOW });
    sendEvent(CLOSED_NOW);
    await waitFor(() => expect(get('hours-now').dataset.open).toBe('false'));
    expect(text('hours-now')).toContain('Stängt tills vidare');
    expect(text('hours-now')).toContain('Stängt nu av chef: IT-incident');
    expect(hoursView).toHaveBeenCalledTimes(2);
    expect(till.hours).toEqual(CLOSED_NOW);

    // Open again; from then on the minutes count down on the local clock alone.
    hoursView.mockResolvedValue(VIEW);
    sendEvent({ ...OPEN, at: '2026-12-20T14:37:00Z' });
    await waitFor(() => expect(text('hours-now')).toContain('Öppet – stänger om 25 min (16:00)'));
    vi.advanceTimersByTime(15 * 60_000);
    await waitFor(() => expect(text('hours-now')).toContain('Öppet – stänger om 10 min (16:00)'));
    expect(hoursView).toHaveBeenCalledTimes(3);
  });

  it('says when the hours have never been set (open around the clock until then)', async () => {
    hoursView.mockResolvedValue({ ...VIEW, configured: false });
    await render();
    expect(text('hours-not-configured')).toBe(
      'Öppettiderna är inte inställda än: butiken räknas som öppen dygnet runt tills en chef sparar de ordinarie öppettiderna nedan.',
    );
    setOpeningHours.mockResolvedValue(VIEW);
    typeInto('hours-standing-reason', 'Butikens tider');
    click('hours-standing-save');
    await waitFor(() => expect(query('hours-not-configured')).toBeNull());
  });

  it('says so when the view cannot be loaded, and loads it again on request', async () => {
    hoursView.mockRejectedValueOnce(apiError('database_locked', 'The database is busy', 'Databasen är upptagen'));
    await render();
    expect(text('error-message')).toBe('Databasen är upptagen');
    expect(query('hours-week')).toBeNull();
    click('hours-retry');
    await waitFor(() => expect(query('hours-week')).not.toBeNull());
    expect(query('error')).toBeNull();
  });

  it('closes the store now until a time, with a reason, and refreshes', async () => {
    await render();
    addHoursChange.mockResolvedValue({
      id: 6,
      rule: { kind: 'override', open: false, from: NOW, until: '2026-12-20T20:00:00Z' },
      reason: 'IT-incident',
      made_by: { id: 1, name: 'Anna Lind' },
      made_at: NOW,
      ended: null,
    });
    get('hours-close-now').focus();
    click('hours-close-now');
    expect(text('hours-change-dialog')).toContain('Stäng butiken nu');
    expect(document.activeElement).toBe(get('hours-change-until'));
    expect(container.querySelector('label[for="hours-change-until"]')?.textContent).toBe('Till klockan (TT:MM)');

    // A reason is needed.
    click('hours-change-confirm');
    expect(text('error-message')).toBe('Skriv en anledning.');
    expect(addHoursChange).not.toHaveBeenCalled();

    hoursView.mockResolvedValue({ ...VIEW, status: CLOSED_NOW });
    typeInto('hours-change-until', ' 21:00 ');
    typeInto('hours-change-reason', ' IT-incident ');
    click('hours-change-confirm');
    await waitFor(() => expect(query('hours-change-dialog')).toBeNull());
    expect(addHoursChange.mock.calls).toEqual([[{ kind: 'override', open: false, until: '21:00' }, 'IT-incident']]);
    await waitFor(() => expect(get('hours-now').dataset.open).toBe('false'));
    expect(text('hours-done')).toBe('Butiken är stängd.');
    expect(hoursView).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(document.activeElement).toBe(get('hours-close-now')));
  });

  it('opens now until further notice, and keeps the dialog with the backend’s refusal', async () => {
    await render();
    addHoursChange.mockRejectedValueOnce(
      apiError('invalid_input', 'The end time (21:00) has already passed', 'Sluttiden (21:00) har redan passerat'),
    );
    click('hours-open-now');
    expect(text('hours-change-dialog')).toContain('Öppna butiken nu');
    typeInto('hours-change-until', '21:00');
    typeInto('hours-change-reason', 'Extraöppet');
    click('hours-change-confirm');
    await waitFor(() => expect(get('hours-change-dialog').textContent).toContain('Sluttiden (21:00) har redan passerat'));

    addHoursChange.mockResolvedValueOnce({ ...INVENTORY, id: 7 });
    typeInto('hours-change-until', '');
    click('hours-change-confirm');
    await waitFor(() => expect(query('hours-change-dialog')).toBeNull());
    expect(addHoursChange.mock.calls[1]).toEqual([{ kind: 'override', open: true, until: null }, 'Extraöppet']);
    expect(text('hours-done')).toBe('Butiken är öppen.');
  });

  it('lists the changes in force and ends one with a reason', async () => {
    await render();
    expect(text('hours-change-5')).toContain('Tillfälliga öppettider 2026-12-22: stängt');
    expect(text('hours-change-5')).toContain('Anledning: Inventering');
    expect(text('hours-change-5')).toContain('Anna Lind, 2026-12-01 10:00');
    const end = get('hours-end-5');
    expect(end.getAttribute('aria-label')).toBe('Avsluta ändringen: Tillfälliga öppettider 2026-12-22: stängt');
    end.click();
    flushSync();
    expect(text('hours-change-dialog')).toContain('Ändringen slutar gälla nu: Tillfälliga öppettider 2026-12-22: stängt');

    endHoursChange.mockResolvedValue({ ...INVENTORY, ended: { at: NOW, by: { id: 1, name: 'Anna Lind' }, reason: 'Klart' } });
    hoursView.mockResolvedValue({ ...VIEW, changes: [], week: WEEK.map((d, i) => (i === 2 ? { ...WEEK[1]!, date: d.date } : d)) });
    typeInto('hours-change-reason', 'Inventeringen är flyttad');
    click('hours-change-confirm');
    await waitFor(() => expect(query('hours-changes-empty')).not.toBeNull());
    expect(endHoursChange.mock.calls).toEqual([[5, 'Inventeringen är flyttad']]);
    expect(text('hours-changes-empty')).toBe('Inga ändringar gäller nu eller framöver.');
    expect(get('hours-day-2026-12-22').dataset.changed).toBe('false');
    expect(text('hours-done')).toBe('Ändringen är avslutad.');
  });

  it('fills the temporary change from the presets and sends it with the reason', async () => {
    await render();
    expect(get('hours-temp-hours').getAttribute('placeholder')).toBe('10-16 eller stängt');
    click('hours-preset-closed');
    expect(value('hours-temp-from')).toBe('2026-12-20');
    expect((get('hours-temp-open-ended') as HTMLInputElement).checked).toBe(true);
    expect((get('hours-temp-to') as HTMLInputElement).disabled).toBe(true);
    expect(value('hours-temp-hours')).toBe('stängt');
    expect(document.activeElement).toBe(get('hours-temp-reason'));

    click('hours-temp-submit');
    expect(text('hours-temp')).toContain('Skriv en anledning.');
    expect(addHoursChange).not.toHaveBeenCalled();

    addHoursChange.mockResolvedValue({ ...INVENTORY, id: 8 });
    typeInto('hours-temp-reason', 'Vattenläcka');
    click('hours-temp-submit');
    await waitFor(() => expect(query('hours-temp-done')).not.toBeNull());
    expect(addHoursChange.mock.calls).toEqual([[{ kind: 'temporary', starts: '2026-12-20', ends: null, hours: 'stängt' }, 'Vattenläcka']]);
    expect(text('hours-temp-done')).toBe('Ändringen är sparad.');
    expect(hoursView).toHaveBeenCalledTimes(2);
    expect(value('hours-temp-reason')).toBe('');

    click('hours-preset-today');
    expect(value('hours-temp-from')).toBe('2026-12-20');
    expect(value('hours-temp-to')).toBe('2026-12-20');
    expect(value('hours-temp-hours')).toBe('10-16');

    // Typed by hand: a run of dates.
    typeInto('hours-temp-from', '2026-12-28');
    typeInto('hours-temp-to', '2026-12-30');
    typeInto('hours-temp-hours', '9-15');
    typeInto('hours-temp-reason', 'Mellandagar');
    click('hours-temp-submit');
    await waitFor(() => expect(addHoursChange).toHaveBeenCalledTimes(2));
    expect(addHoursChange.mock.calls[1]).toEqual([{ kind: 'temporary', starts: '2026-12-28', ends: '2026-12-30', hours: '9-15' }, 'Mellandagar']);
  });

  it('edits the standing hours, special days and grace, and shows the backend’s words for a bad day', async () => {
    await render();
    expect(text('hours-standing')).toContain('Skriv t.ex. ”08-21”, ”8-12, 13-20” eller ”stängt”.');
    expect(text('hours-standing')).toContain('Öppet över midnatt: ”22-24” och dagen efter ”00-06”');
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => value(`hours-week-${i}`))).toEqual(VIEW.form.week);
    expect(container.querySelector('label[for="hours-week-0"]')?.textContent).toBe('Måndag');
    expect(container.querySelector('label[for="hours-week-6"]')?.textContent).toBe('Söndag');
    expect(value('hours-special-julafton')).toBe('10:00-14:00');
    expect(value('hours-special-juldagen')).toBe('stängt');
    expect(value('hours-special-nyarsafton')).toBe('');
    expect(get('hours-special-nyarsafton').getAttribute('placeholder')).toBe('som vanligt');
    expect(get('hours-special-nyarsafton').getAttribute('aria-label')).toBe('Öppettider Nyårsafton');
    expect(cells(get('hours-special-nyarsafton').closest('tr'))).toEqual(['Nyårsafton', '2026-12-31', '']);
    expect(value('hours-grace')).toBe('10');

    typeInto('hours-week-2', '17-09');
    typeInto('hours-special-nyarsafton', '10-15');
    typeInto('hours-special-julafton', '');
    typeInto('hours-grace', '5');
    typeInto('hours-standing-reason', 'Nya tider');
    setOpeningHours.mockRejectedValueOnce(
      apiError(
        'invalid_input',
        'Wednesday: The interval 17:00-09:00 ends before it starts',
        'Onsdag: Intervallet 17:00-09:00 slutar innan det börjar',
      ),
    );
    click('hours-standing-save');
    await waitFor(() => expect(text('hours-standing')).toContain('Onsdag: Intervallet 17:00-09:00 slutar innan det börjar'));
    expect(setOpeningHours.mock.calls[0]).toEqual([
      {
        week: ['08:00-21:00', '08:00-21:00', '17-09', '08:00-21:00', '08:00-21:00', '10:00-16:00', '10:00-16:00'],
        special_days: [
          { day: 'juldagen', hours: 'stängt' },
          { day: 'nyarsafton', hours: '10-15' },
        ],
        grace_minutes: 5,
      },
      'Nya tider',
    ]);

    const saved: HoursInfo = {
      ...VIEW,
      form: { ...VIEW.form, week: VIEW.form.week.map((d, i) => (i === 2 ? '17:00-21:00' : d)), grace_minutes: 5 },
    };
    setOpeningHours.mockResolvedValueOnce(saved);
    typeInto('hours-week-2', '17-21');
    click('hours-standing-save');
    await waitFor(() => expect(query('hours-standing-done')).not.toBeNull());
    expect(text('hours-standing-done')).toBe('Öppettiderna är sparade.');
    expect(value('hours-week-2')).toBe('17:00-21:00');
    expect(value('hours-standing-reason')).toBe('');
    expect(query('error')).toBeNull();

    // The grace must be whole minutes; nothing is sent otherwise.
    typeInto('hours-grace', '');
    typeInto('hours-standing-reason', 'x');
    click('hours-standing-save');
    expect(text('hours-standing')).toContain('Skriv marginalen i hela minuter.');
    expect(setOpeningHours).toHaveBeenCalledTimes(2);
  });

  it('saves the notice to customers in both languages', async () => {
    await render();
    expect(value('hours-notice-sv')).toBe('Välkommen in!');
    typeInto('hours-notice-sv', 'Stängt för inventering tisdag.');
    typeInto('hours-notice-en', 'Closed for stocktaking on Tuesday.');
    typeInto('hours-notice-reason', 'Inventering');
    const notice = { sv: 'Stängt för inventering tisdag.', en: 'Closed for stocktaking on Tuesday.' };
    setCustomerNotice.mockResolvedValue({ ...VIEW, notice });
    click('hours-notice-save');
    await waitFor(() => expect(query('hours-notice-done')).not.toBeNull());
    expect(setCustomerNotice.mock.calls).toEqual([[notice, 'Inventering']]);
    expect(text('hours-notice-done')).toBe('Meddelandet är sparat.');
    // The sign's preview shows it at once, boxed.
    expect(text('door-sign-notice')).toBe('Stängt för inventering tisdag. Closed for stocktaking on Tuesday.');

    setCustomerNotice.mockResolvedValue({ ...VIEW, notice: { sv: '', en: '' } });
    typeInto('hours-notice-sv', ' ');
    typeInto('hours-notice-en', '');
    typeInto('hours-notice-reason', 'Klart');
    click('hours-notice-save');
    await waitFor(() => expect(text('hours-notice-done')).toBe('Meddelandet är borttaget.'));
    expect(setCustomerNotice.mock.calls[1]).toEqual([{ sv: '', en: '' }, 'Klart']);
    expect(query('door-sign-notice')).toBeNull();
  });

  it('previews the door sign in both languages, says where the files are, and sets the endpoint', async () => {
    await render();
    const sign = get('door-sign-preview');
    expect(squash(sign.querySelector('.store')?.textContent)).toBe('Demobutiken AB');
    expect(squash(sign.querySelector('h3')?.textContent)).toBe('Öppettider · Opening hours');
    const rows = [...sign.querySelectorAll('tr')];
    expect(rows.map((row) => row.dataset.changed)).toEqual(['false', 'false', 'true', 'false', 'false', 'false', 'false']);
    const words = (row: Element | undefined) => [...(row?.querySelectorAll('th > span, td > span') ?? [])].map((s) => squash(s.textContent));
    expect(words(rows[2])).toEqual(['Tisdag · Tuesday', '22/12', 'Stängt · Closed', 'Ändrade öppettider · Changed hours']);
    expect(words(rows[4])).toEqual(['Torsdag · Thursday', '24/12', 'Julafton · Christmas Eve', '10:00–14:00']);
    expect(squash(sign.textContent).match(/Ändrade öppettider/g)).toHaveLength(1);
    expect(text('door-sign-notice')).toBe('Välkommen in! Welcome in!');
    expect(text('hours-file-sign')).toBe('/data/demo/public/door-sign.pdf');
    expect(text('hours-file-feed')).toBe('/data/demo/public/hours.json');
    expect(query('hours-publish-problem')).toBeNull();
    expect(text('hours-publish')).toContain('127.0.0.1 är bara den här datorn; 0.0.0.0 öppnar för butikens nätverk');

    expect((get('hours-feed-enabled') as HTMLInputElement).checked).toBe(false);
    expect(value('hours-feed-bind')).toBe('127.0.0.1:8787');
    expect(text('hours-feed-listening')).toBe('Av – inget lyssnar');
    check('hours-feed-enabled', true);
    typeInto('hours-feed-bind', '0.0.0.0:8787');
    typeInto('hours-feed-reason', 'Webbplatsen hämtar tiderna');
    setFeedHttp.mockResolvedValue({
      ...VIEW,
      feed_http: { enabled: true, bind: '0.0.0.0:8787' },
      feed_listening: '0.0.0.0:8787',
      publish_problem: 'Permission denied (os error 13)',
    });
    click('hours-feed-save');
    await waitFor(() => expect(query('hours-feed-done')).not.toBeNull());
    expect(setFeedHttp.mock.calls).toEqual([[{ enabled: true, bind: '0.0.0.0:8787' }, 'Webbplatsen hämtar tiderna']]);
    expect(text('hours-publish-problem')).toBe('Filerna kunde inte skrivas: Permission denied (os error 13)');
    expect(text('hours-feed-listening')).toBe('http://0.0.0.0:8787/hours.json');
  });

  it('gives every field a label and keeps the controls reachable by Tab', async () => {
    await render();
    click('hours-close-now');
    for (const field of container.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
      const labelled =
        field.getAttribute('aria-label') ||
        (field.id && container.querySelector(`label[for="${field.id}"]`)) ||
        field.closest('label');
      expect(labelled, field.dataset.testid ?? field.outerHTML).toBeTruthy();
    }
    for (const button of container.querySelectorAll<HTMLButtonElement>('button')) {
      expect(button.tabIndex, button.textContent ?? '').toBe(0);
      expect(squash(button.textContent)).not.toBe('');
    }
  });

  it('shows someone else than a manager the hours without the editing controls', async () => {
    await render('cashier');
    expect(text('hours-now')).toContain('Öppet');
    expect(query('hours-week')).not.toBeNull();
    expect(query('hours-change-5')).not.toBeNull();
    for (const id of ['hours-close-now', 'hours-open-now', 'hours-end-5', 'hours-temp-submit', 'hours-standing-save', 'hours-notice-save', 'hours-feed-save']) {
      expect(query(id), id).toBeNull();
    }
    expect(query('door-sign-preview')).not.toBeNull();
  });
});
