import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ApiError, IncidentReport, Role, StatusBoard } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { MANAGER_NAV, type ManagerNav } from '../lib/managerNav';
import { hoursStatus } from '../lib/testing/hours';
import { inForce, NO_CARDS, paymentsStatus } from '../lib/testing/payments';
import {
  DEGRADED_MODE,
  dependencyStatus,
  incidentReport,
  incidentSummary,
  ISLAND_MODE,
  statusBoard,
} from '../lib/testing/status';
import { Till } from '../lib/till.svelte';
import StatusView from './StatusView.svelte';

// ---------------------------------------------------------------- fixtures

/** Friday 27 November 2026, 14:35 in Stockholm. */
const NOW = '2026-11-27T13:35:00Z';

const NORMAL = statusBoard();

/** The acquirer is down since 14:10, Swish wobbles, a drill has the control unit down for practice. */
const DEGRADED: StatusBoard = statusBoard({
  mode: DEGRADED_MODE,
  dependencies: [
    dependencyStatus('hq', { simulated: false, probe: 'http://hq.example/health' }),
    dependencyStatus('card_acquirer', {
      level: 'red',
      since: '2026-11-27T13:10:00Z',
      last_failure: 'no answer within 500 ms',
      impact_sv: 'Kort tas bara offline, upp till taket',
      impact_en: 'Card is taken offline only, up to the cap',
    }),
    dependencyStatus('swish', { level: 'amber', since: '2026-11-27T13:30:00Z', last_failure: 'HTTP 503' }),
    dependencyStatus('control_unit', { level: 'red', practice: true, since: '2026-11-27T13:20:00Z', impact_sv: 'Kvitton utan kontrollkod', impact_en: 'Receipts without a control code' }),
    dependencyStatus('receipt_printer', { monitored: false, simulated: false, probe: 'av' }),
  ],
  incident: incidentSummary(),
});

const REPORT: IncidentReport = incidentReport({
  incident: incidentSummary({ closed_at: '2026-11-27T13:35:00Z' }),
  minutes: 25,
  down: [
    { dependency: 'card_acquirer', name_sv: 'Kortinlösare', name_en: 'Card acquirer', from: '2026-11-27T13:10:00Z', until: '2026-11-27T13:30:00Z', minutes: 20 },
    { dependency: 'swish', name_sv: 'Swish', name_en: 'Swish', from: '2026-11-27T13:30:00Z', until: null, minutes: 5 },
  ],
  sales: [
    { method: 'cash', label_sv: 'Kontant', label_en: 'Cash', count: 3, amount: '1234.50' },
    { method: 'card', label_sv: 'Kort', label_en: 'Card', count: 2, amount: '300.00' },
  ],
  receipts: 4,
  sales_total: '1534.50',
  returns: 0,
  returns_amount: '0.00',
  offline: { count: 2, amount: '300.00', pending: 1, pending_amount: '120.00', declined: 1, declined_amount: '180.00' },
  to_reconcile_sv: ['1 kortbetalning offline väntar på att skickas vidare', '1 kortbetalning offline nekades: 180,00 kr'],
  to_reconcile_en: ['1 offline card payment waits to be sent on', '1 offline card payment was declined: 180.00 kr'],
  timeline: [
    { at: '2026-11-27T13:10:00Z', kind: 'auto', by: null, text: 'Kortinlösare: röd' },
    { at: '2026-11-27T13:12:00Z', kind: 'action', by: 'Anna Lind', text: 'Kort online avstängt' },
    { at: '2026-11-27T13:15:00Z', kind: 'decision', by: 'Anna Lind', text: 'Vi tar kontant och Swish' },
  ],
});

const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

const apiError = (code: ApiError['code'], message: string, message_sv: string): ApiError => ({ code, message, message_sv });

// ---------------------------------------------------------------- fake api

const statusBoardMock = vi.fn<Api['statusBoard']>();
const setIsland = vi.fn<Api['setIsland']>();
const incidents = vi.fn<Api['incidents']>();
const incidentReportMock = vi.fn<Api['incidentReport']>();
const addIncidentNote = vi.fn<Api['addIncidentNote']>();
const startDrill = vi.fn<Api['startDrill']>();
const endDrill = vi.fn<Api['endDrill']>();
const pinHqKey = vi.fn<Api['pinHqKey']>();
const remoteLog = vi.fn<Api['remoteLog']>();
const simulateDependency = vi.fn<Api['simulateDependency']>();
const onStatusChanged = vi.fn<Api['onStatusChanged']>();
// The backup section (its own test: BackupRestore.test.ts): not set up, no progress.
const backupStatus = vi.fn<Api['backupStatus']>(async () => ({ config: null, key_fingerprint: null, recent: [], catch_up_pending: false }));
const onBackupProgress = vi.fn<Api['onBackupProgress']>(async () => () => {});
const MOCKS = [
  statusBoardMock,
  setIsland,
  incidents,
  incidentReportMock,
  addIncidentNote,
  startDrill,
  endDrill,
  pinHqKey,
  remoteLog,
  simulateDependency,
  onStatusChanged,
];

/** Only what the page uses; the rest of the Api is never called. */
const fakeApi = {
  statusBoard: statusBoardMock,
  setIsland,
  incidents,
  incidentReport: incidentReportMock,
  addIncidentNote,
  startDrill,
  endDrill,
  pinHqKey,
  remoteLog,
  simulateDependency,
  onStatusChanged,
  backupStatus,
  onBackupProgress,
} as unknown as Api;

let sendEvent: (board: StatusBoard) => void = () => {
  throw new Error('nobody listens to status-changed');
};

// ----------------------------------------------------------------- helpers

let page: ReturnType<typeof mount> | null = null;
let container: HTMLElement;
const go = vi.fn();

async function render(board: StatusBoard = NORMAL, role: Role = 'manager'): Promise<Till> {
  statusBoardMock.mockResolvedValue(board);
  const till = new Till(fakeApi);
  till.session = { staff: { id: 1, name: 'Anna Lind', role, active: true }, idle_logout_seconds: 300 };
  container = document.createElement('div');
  document.body.appendChild(container);
  const nav: ManagerNav = { view: 'status', go };
  page = mount(StatusView, { target: container, props: { till }, context: new Map([[MANAGER_NAV, nav]]) });
  flushSync();
  await waitFor(() => expect(query('store-mode')).not.toBeNull());
  await waitFor(() => expect(query('incidents-loading')).toBeNull());
  return till;
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

/** Whitespace collapsed, the no-break spaces of amounts as plain spaces. */
function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

/** The text of `inner` inside `outer`. */
function inside(outer: string, inner: string): string {
  return squash(get(outer).querySelector(`[data-testid="${inner}"]`)?.textContent);
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

function rows(testId: string): string[] {
  return [...get(testId).querySelectorAll('tbody tr')].map((row) =>
    [...row.children].map((cell) => squash(cell.textContent)).join(' | '),
  );
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
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  localStorage.clear();
  locale.set('sv');
  for (const mock of MOCKS) mock.mockReset();
  go.mockReset();
  incidents.mockResolvedValue([]);
  onStatusChanged.mockImplementation(async (handler) => {
    sendEvent = handler;
    return () => {};
  });
});

afterEach(() => {
  if (page) unmount(page);
  page = null;
  container?.remove();
  vi.useRealTimers();
});

// ------------------------------------------------------------------- tests

describe('status page: the mode and the dependencies', () => {
  it('shows normal mode in words with what it means', async () => {
    await render();
    expect(get('store-mode').dataset.mode).toBe('normal');
    expect(text('store-mode-name')).toBe('Normalläge');
    expect(text('store-mode-since')).toBe('sedan start');
    expect(text('store-mode-meaning')).toBe('Allt fungerar som vanligt');
    expect(query('store-mode-lost')).toBeNull();
    expect(query('incident-open')).toBeNull();
    expect(query('drill-running')).toBeNull();
  });

  it('shows each level in words and colour with data-level, since, probe, last failure, impact when red, practice and not monitored', async () => {
    await render(DEGRADED);
    expect(get('store-mode').dataset.mode).toBe('degraded');
    expect(text('store-mode-name')).toBe('Nödläge');
    expect(text('store-mode-since')).toBe('sedan 2026-11-27 14:10');
    expect(text('store-mode-lost')).toBe('Nere: Kortinlösare');
    expect([...get('store-mode-meaning').querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Kort tas offline upp till taket',
      'Kontanter och Swish fungerar',
    ]);

    // Green: the word, its colour, since start; no failure, no impact.
    expect(get('dep-hq').dataset.level).toBe('green');
    expect(inside('dep-hq', 'dep-level')).toBe('✓Grön');
    expect(get('dep-hq').querySelector('[data-testid="dep-level"]')?.classList.contains('green')).toBe(true);
    expect(inside('dep-hq', 'dep-since')).toBe('sedan start');
    expect(inside('dep-hq', 'dep-probe')).toBe('Kontroll: http://hq.example/health');
    expect(get('dep-hq').querySelector('[data-testid="dep-impact"]')).toBeNull();
    expect(get('dep-hq').querySelector('[data-testid="dep-simulated"]')).toBeNull();

    // Red: the last failure and what it means at the till.
    expect(get('dep-card_acquirer').dataset.level).toBe('red');
    expect(inside('dep-card_acquirer', 'dep-level')).toBe('✕Röd');
    expect(get('dep-card_acquirer').querySelector('[data-testid="dep-level"]')?.classList.contains('red')).toBe(true);
    expect(inside('dep-card_acquirer', 'dep-since')).toBe('sedan 2026-11-27 14:10');
    expect(inside('dep-card_acquirer', 'dep-last-failure')).toBe('Senaste fel: no answer within 500 ms');
    expect(inside('dep-card_acquirer', 'dep-impact')).toBe('Vad det betyder: Kort tas bara offline, upp till taket');
    expect(inside('dep-card_acquirer', 'dep-simulated')).toBe('Simulator');
    expect(get('dep-card_acquirer').querySelector('[data-testid="dep-practice"]')).toBeNull();

    // Amber: the failure, but no impact yet.
    expect(get('dep-swish').dataset.level).toBe('amber');
    expect(inside('dep-swish', 'dep-level')).toBe('!Gul');
    expect(inside('dep-swish', 'dep-last-failure')).toBe('Senaste fel: HTTP 503');
    expect(get('dep-swish').querySelector('[data-testid="dep-impact"]')).toBeNull();

    // A drill's failure is marked as practice.
    expect(get('dep-control_unit').dataset.practice).toBe('true');
    expect(inside('dep-control_unit', 'dep-practice')).toBe('ÖVNING');

    // Not monitored: grey, in words.
    expect(get('dep-receipt_printer').dataset.monitored).toBe('false');
    expect(inside('dep-receipt_printer', 'dep-level')).toBe('Övervakas inte');

    expect(text('status-detection')).toBe('Fel upptäcks inom 3 s');

    locale.set('en');
    flushSync();
    expect(text('store-mode-name')).toBe('Degraded mode');
    expect(inside('dep-card_acquirer', 'dep-level')).toBe('✕Red');
    expect(inside('dep-swish', 'dep-level')).toBe('!Amber');
    expect(inside('dep-hq', 'dep-level')).toBe('✓Green');
    expect(inside('dep-hq', 'dep-since')).toBe('since start');
    expect(inside('dep-card_acquirer', 'dep-impact')).toBe('What it means: Card is taken offline only, up to the cap');
    expect(inside('dep-control_unit', 'dep-practice')).toBe('PRACTICE');
    expect(inside('dep-receipt_printer', 'dep-level')).toBe('Not monitored');
  });

  it('follows the status-changed event without asking for the board again', async () => {
    const till = await render();
    expect(statusBoardMock).toHaveBeenCalledTimes(1);
    expect(incidents).toHaveBeenCalledTimes(1);
    expect(get('dep-card_acquirer').dataset.level).toBe('green');

    incidents.mockResolvedValue([incidentSummary()]);
    sendEvent(DEGRADED);
    flushSync();
    expect(get('store-mode').dataset.mode).toBe('degraded');
    expect(get('dep-card_acquirer').dataset.level).toBe('red');
    expect(text('incident-open-cause')).toBe('Kortinlösaren svarar inte / The card acquirer does not answer');
    expect(text('incident-open-since')).toBe('Sedan 2026-11-27 14:10');
    expect(till.board).toBe(DEGRADED);
    // An incident opened: the list is read again (and only then).
    await waitFor(() => expect(query('incident-row-5')).not.toBeNull());
    expect(incidents).toHaveBeenCalledTimes(2);
    sendEvent({ ...DEGRADED, detection_ms: 4000 });
    flushSync();
    expect(text('status-detection')).toBe('Fel upptäcks inom 4 s');
    expect(incidents).toHaveBeenCalledTimes(2);
    expect(statusBoardMock).toHaveBeenCalledTimes(1);
  });

  it('says why the board could not be read, and tries again', async () => {
    statusBoardMock.mockRejectedValueOnce(apiError('database_locked', 'The database is busy', 'Databasen är upptagen'));
    const till = new Till(fakeApi);
    till.session = { staff: { id: 1, name: 'Anna Lind', role: 'manager', active: true }, idle_logout_seconds: 300 };
    container = document.createElement('div');
    document.body.appendChild(container);
    page = mount(StatusView, { target: container, props: { till } });
    await waitFor(() => expect(query('status-retry')).not.toBeNull());
    expect(text('error-message')).toBe('Databasen är upptagen');
    statusBoardMock.mockResolvedValue(NORMAL);
    click('status-retry');
    await waitFor(() => expect(query('store-mode')).not.toBeNull());
    expect(query('error')).toBeNull();
  });

  it('shows the payment methods and opening hours in force, and the queue to head office', async () => {
    await render(
      statusBoard({
        payments: paymentsStatus({
          acceptance: NO_CARDS,
          in_force: inForce({ card_online: { availability: 'disabled', reason: 'Kortinlösaren svarar inte' } }),
        }),
        hours: hoursStatus({ open: false, summary_sv: 'Stängt', reason_sv: 'Stängt nu av chef: IT-incident', next_change: null, decided: { kind: 'override', id: 3, open: false, reason: 'IT-incident' } }),
        hq_queue: { waiting: 12, oldest: '2026-11-27T08:00:00Z', sync_configured: false },
      }),
    );
    expect(text('status-acceptance')).toBe('I dag tar vi: kontanter, Swish, Scan & Pay, presentkort — inte kort');
    expect(text('status-method-card_online')).toBe('Kort (online): tas inte emot – Kortinlösaren svarar inte');
    expect(text('status-hours-summary')).toBe('Stängt tills vidare');
    expect(text('status-hours')).toContain('Stängt nu av chef: IT-incident');
    expect(text('hq-waiting')).toBe('12 registreringar väntar på att skickas till HK.');
    expect(text('hq-oldest')).toBe('Den äldsta är från 2026-11-27 09:00.');
    expect(text('hq-not-configured')).toBe('Synk till HK är inte inställd ännu; registreringarna väntar säkert här');
    locale.set('en');
    flushSync();
    expect(text('status-acceptance')).toBe('Today we take: cash, Swish, Scan & Pay, gift vouchers — not cards');
    expect(text('hq-not-configured')).toBe('Sync to HQ is not set up yet; registrations wait safely here');
    expect(text('hq-waiting')).toBe('12 registrations are waiting to be sent to HQ.');
  });

  it('says nothing waits and leaves out the note once sync is set up', async () => {
    await render();
    expect(text('hq-waiting')).toBe('Inga registreringar väntar på att skickas till HK.');
    expect(query('hq-oldest')).toBeNull();
    expect(query('hq-not-configured')).toBeNull();
  });
});

describe('status page: island mode', () => {
  it('asks for a reason, refuses an empty one, then cuts remote control', async () => {
    const till = await render();
    expect(text('island')).toContain('inga fjärrkommandon och inga programuppdateringar');
    expect(text('island')).toContain('Försäljningen fortsätter');
    expect(query('island-off')).toBeNull();
    get('island-on').focus();
    click('island-on');
    expect(text('island-on-dialog')).toContain('Gå över till ö-läge?');
    click('island-on-confirm');
    expect(text('island-on-dialog')).toContain('Skriv en anledning.');
    typeInto('island-on-reason', '   ');
    click('island-on-confirm');
    expect(setIsland).not.toHaveBeenCalled();

    const island = statusBoard({ mode: ISLAND_MODE });
    setIsland.mockResolvedValue(island);
    typeInto('island-on-reason', ' Misstänkt intrång ');
    click('island-on-confirm');
    await waitFor(() => expect(query('island-on-dialog')).toBeNull());
    expect(setIsland.mock.calls).toEqual([[true, 'Misstänkt intrång']]);
    // The answer is the new board: the page (and the till's chip) follow at once.
    expect(till.board).toBe(island);
    expect(get('store-mode').dataset.mode).toBe('island');
    expect(text('store-mode-name')).toBe('Ö-läge');
    expect(text('island-state')).toBe('På sedan 2026-11-27 13:00, av Anna Lind: Misstänkt intrång');
    expect(text('island-done')).toBe('Ö-läget är på: fjärrstyrningen är avstängd.');
    expect(query('island-on')).toBeNull();
    // The button that opened the dialog is gone: the focus goes to the island's title.
    await waitFor(() => expect(document.activeElement?.id).toBe('island-title'));

    setIsland.mockResolvedValue(NORMAL);
    click('island-off');
    typeInto('island-off-reason', 'Utrett');
    click('island-off-confirm');
    await waitFor(() => expect(query('island-off-dialog')).toBeNull());
    expect(setIsland.mock.calls[1]).toEqual([false, 'Utrett']);
    expect(get('store-mode').dataset.mode).toBe('normal');
  });

  it('keeps the dialog open with the backend’s error', async () => {
    await render();
    click('island-on');
    setIsland.mockRejectedValue(apiError('not_allowed', 'Managers only', 'Bara chefer'));
    typeInto('island-on-reason', 'Test');
    click('island-on-confirm');
    await waitFor(() => expect(text('island-on-dialog')).toContain('Bara chefer'));
    expect(get('store-mode').dataset.mode).toBe('normal');
  });

  it('shows who switched it on, and the system when by policy', async () => {
    await render(statusBoard({ mode: { ...ISLAND_MODE, island: { since: '2026-11-27T12:00:00Z', by: null, reason: 'Förfalskad signatur' } } }));
    expect(text('island-state')).toBe('På sedan 2026-11-27 13:00, av systemet (automatiskt): Förfalskad signatur');
  });
});

describe('status page: drills', () => {
  it('sends the checked dependencies and the reason; the panel follows by the event; ends it with a reason', async () => {
    await render();
    expect(query('drill-running')).toBeNull();
    // Nothing checked: refused without a call.
    typeInto('drill-reason', 'Övning kortavbrott');
    click('drill-start');
    expect(text('drill-start-form')).toContain('Välj minst ett beroende.');
    click('drill-dep-swish');
    click('drill-dep-card_acquirer');
    typeInto('drill-reason', '');
    click('drill-start');
    expect(text('drill-start-form')).toContain('Skriv en anledning.');
    expect(startDrill).not.toHaveBeenCalled();

    const drill = incidentSummary({ id: 9, practice: true, cause: 'Övning / Drill', drill: ['card_acquirer', 'swish'] });
    startDrill.mockResolvedValue(drill);
    typeInto('drill-reason', ' Övning kortavbrott ');
    click('drill-start');
    await waitFor(() => expect(startDrill).toHaveBeenCalledTimes(1));
    // In the board's order, whatever order they were ticked in.
    expect(startDrill.mock.calls[0]).toEqual([['card_acquirer', 'swish'], 'Övning kortavbrott']);
    await waitFor(() => expect(text('status-done')).toBe('Övningen har startat.'));

    incidents.mockResolvedValue([drill]);
    sendEvent(statusBoard({ drill }));
    flushSync();
    expect(text('drill-running')).toContain('ÖVNING PÅGÅR');
    expect(text('drill-failures')).toBe('Simulerade fel: Kortinlösare, Swish');
    expect(query('drill-start-form')).toBeNull();
    await waitFor(() => expect(get('incident-row-9').dataset.practice).toBe('true'));
    expect(text('incident-row-9')).toContain('ÖVNING');
    locale.set('en');
    flushSync();
    expect(text('drill-running')).toContain('DRILL UNDER WAY');
    expect(text('drill-failures')).toBe('Simulated failures: Card acquirer, Swish');
    locale.set('sv');
    flushSync();

    endDrill.mockResolvedValue({ ...drill, closed_at: NOW });
    click('drill-end');
    expect(text('drill-running')).toContain('Skriv en anledning.');
    typeInto('drill-end-reason', 'Klart');
    click('drill-end');
    await waitFor(() => expect(endDrill).toHaveBeenCalledTimes(1));
    expect(endDrill.mock.calls[0]).toEqual(['Klart']);
    sendEvent(NORMAL);
    flushSync();
    expect(query('drill-running')).toBeNull();
    expect(query('drill-start-form')).not.toBeNull();
    expect(text('status-done')).toBe('Övningen är avslutad.');
  });
});

describe('status page: the demo’s simulators', () => {
  it('has switches only for simulated dependencies, in a box marked as a simulator, and sends each', async () => {
    await render();
    expect(query('sim-hq-up')).toBeNull();
    expect(query('sim-receipt_printer-down')).toBeNull();
    expect(get('sim-card_acquirer').querySelector('legend')?.textContent).toBe('Simulator (demo)');
    expect(text('sim-card_acquirer-up')).toBe('Uppe');
    expect(text('sim-card_acquirer-down')).toBe('Nere');
    expect(text('sim-card_acquirer-silent')).toBe('Svarar inte');
    expect(get('sim-card_acquirer-down').getAttribute('aria-label')).toBe('Kortinlösare: Nere (simulator)');

    simulateDependency.mockResolvedValue(NORMAL);
    click('sim-card_acquirer-down');
    await waitFor(() => expect(simulateDependency).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(text('sim-card_acquirer-note')).toContain('Simulatorn för Kortinlösare svarar nu ”Nere”.'));
    click('sim-swish-silent');
    await waitFor(() => expect(simulateDependency).toHaveBeenCalledTimes(2));
    click('sim-card_acquirer-up');
    await waitFor(() => expect(simulateDependency).toHaveBeenCalledTimes(3));
    expect(simulateDependency.mock.calls).toEqual([
      ['card_acquirer', 'down'],
      ['swish', 'silent'],
      ['card_acquirer', 'up'],
    ]);
    // The monitor turns it red a little later: the board follows by the event.
    sendEvent(statusBoard({ dependencies: [dependencyStatus('card_acquirer', { level: 'red', since: NOW })] }));
    flushSync();
    expect(get('dep-card_acquirer').dataset.level).toBe('red');
  });

  it('shows the simulator’s refusal', async () => {
    await render();
    simulateDependency.mockRejectedValue(apiError('not_allowed', 'No simulators here', 'Inga simulatorer här'));
    click('sim-swish-down');
    await waitFor(() => expect(text('dependencies')).toContain('Inga simulatorer här'));
  });
});

describe('status page: remote control from HQ', () => {
  it('says no key is pinned, and pins one with a reason after checking it', async () => {
    const till = await render();
    expect(text('remote-pinned')).toBe('Ingen HK-nyckel inlagd');
    expect(text('remote-counter')).toBe('Senaste räknare: ingen ännu');
    expect(text('remote-refused')).toBe('Avvisade senaste dygnet: 0');
    expect(get('remote-refused').classList.contains('alarm')).toBe(false);
    expect(text('remote-recent-empty')).toBe('Inget mottaget ännu.');

    typeInto('remote-pin-key', 'abc');
    typeInto('remote-pin-store', 'BUTIK-7');
    typeInto('remote-pin-reason', 'Ny nyckel från HK');
    click('remote-pin-submit');
    expect(text('remote-status')).toContain('Nyckeln ska vara 64 hextecken');
    typeInto('remote-pin-key', KEY.toUpperCase());
    typeInto('remote-pin-store', '  ');
    click('remote-pin-submit');
    expect(text('remote-status')).toContain('Skriv butikens id.');
    expect(pinHqKey).not.toHaveBeenCalled();

    const pinned = statusBoard({ remote: { pinned: { public_key: KEY, store_id: 'BUTIK-7' }, last_counter: null, refused_recently: 0, recent: [] } });
    pinHqKey.mockResolvedValue(pinned);
    typeInto('remote-pin-store', ' BUTIK-7 ');
    click('remote-pin-submit');
    await waitFor(() => expect(query('remote-pin-done')).not.toBeNull());
    expect(pinHqKey.mock.calls).toEqual([[{ public_key: KEY, store_id: 'BUTIK-7' }, 'Ny nyckel från HK']]);
    expect(till.board).toBe(pinned);
    expect(text('remote-pinned')).toBe('HK-nyckel för butik BUTIK-7: 0123456789abcdef…');
  });

  it('highlights refusals in the last day and says why each was refused, in the language shown', async () => {
    await render(
      statusBoard({
        remote: {
          pinned: { public_key: KEY, store_id: 'BUTIK-7' },
          last_counter: 41,
          refused_recently: 2,
          recent: [
            { at: '2026-11-27T13:30:00Z', source: '10.0.0.9', kind: 'price_update', counter: 40, accepted: false, refusal: 'counter already used', refusal_sv: 'räknaren är redan använd', summary: null },
            { at: '2026-11-27T13:00:00Z', source: 'hq', kind: 'price_update', counter: 41, accepted: true, refusal: null, refusal_sv: null, summary: '12 priser' },
          ],
        },
      }),
    );
    expect(text('remote-counter')).toBe('Senaste räknare: 41');
    expect(get('remote-refused').dataset.count).toBe('2');
    expect(get('remote-refused').classList.contains('alarm')).toBe(true);
    const entries = [...get('remote-recent').querySelectorAll('[data-testid="remote-received"]')] as HTMLElement[];
    expect(entries.map((entry) => entry.dataset.accepted)).toEqual(['false', 'true']);
    expect(squash(entries[0]!.textContent)).toBe('2026-11-27 14:30 ✕ Avvisat 10.0.0.9 · price_update · räknare 40 räknaren är redan använd');
    expect(squash(entries[1]!.textContent)).toBe('2026-11-27 14:00 ✓ Godkänt hq · price_update · räknare 41 · 12 priser');
    locale.set('en');
    flushSync();
    expect(squash(entries[0]!.textContent)).toContain('Refused 10.0.0.9 · price_update · counter 40 counter already used');
  });

  it('reads the whole log on request', async () => {
    await render();
    remoteLog.mockResolvedValue([
      { at: '2026-11-26T10:00:00Z', source: 'hq', kind: 'update', counter: 3, accepted: true, refusal: null, refusal_sv: null, summary: null },
    ]);
    click('remote-log-show');
    await waitFor(() => expect(query('remote-log')).not.toBeNull());
    expect(remoteLog).toHaveBeenCalledTimes(1);
    expect(text('remote-log')).toBe('2026-11-26 11:00 ✓ Godkänt hq · update · räknare 3');
  });
});

describe('incident report', () => {
  it('opens from the open incident: what was down, sales by method, offline, to reconcile, the timeline', async () => {
    incidentReportMock.mockResolvedValue(REPORT);
    await render(DEGRADED);
    get('incident-open-report').focus();
    click('incident-open-report');
    await waitFor(() => expect(query('incident-report-cause')).not.toBeNull());
    expect(incidentReportMock.mock.calls).toEqual([[5]]);
    // The report takes the board's place.
    expect(query('store-mode')).toBeNull();
    expect(text('incident-report-cause')).toBe('Kortinlösaren svarar inte / The card acquirer does not answer');
    expect(text('incident-report-when')).toBe('Började 2026-11-27 14:10 · Avslutad 2026-11-27 14:35 · 25 min');
    expect(query('incident-report-practice')).toBeNull();
    expect(rows('incident-down')).toEqual([
      'Kortinlösare | 2026-11-27 14:10 | 2026-11-27 14:30 | 20',
      'Swish | 2026-11-27 14:30 | pågår | 5',
    ]);
    expect(rows('incident-sales')).toEqual(['Kontant | 3 | 1 234,50 kr', 'Kort | 2 | 300,00 kr']);
    expect(text('incident-sales-total')).toBe('1 534,50 kr');
    expect(text('incident-receipts')).toBe('Kvitton: 4');
    expect(text('incident-offline-taken')).toBe('2 betalningar, 300,00 kr');
    expect(text('incident-offline-pending')).toBe('Inte vidareskickade ännu: 1 (120,00 kr)');
    expect(text('incident-offline-declined')).toBe('Nekade efteråt: 1 (180,00 kr)');
    expect([...get('incident-reconcile').querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      '1 kortbetalning offline väntar på att skickas vidare',
      '1 kortbetalning offline nekades: 180,00 kr',
    ]);
    const timeline = [...get('incident-timeline').querySelectorAll('[data-testid="timeline-entry"]')].map((entry) => squash(entry.textContent));
    expect(timeline).toEqual([
      '2026-11-27 14:10 Automatiskt Systemet Kortinlösare: röd',
      '2026-11-27 14:12 Åtgärd Anna Lind Kort online avstängt',
      '2026-11-27 14:15 Beslut Anna Lind Vi tar kontant och Swish',
    ]);

    locale.set('en');
    flushSync();
    expect(rows('incident-down')[1]).toBe('Swish | 2026-11-27 14:30 | ongoing | 5');
    expect(rows('incident-sales')[0]).toBe('Cash | 3 | 1 234,50 kr');
    expect(text('incident-reconcile')).toContain('1 offline card payment waits to be sent on');
    expect(squash(get('incident-timeline').textContent)).toContain('Automatic The system Kortinlösare: röd');
    expect(squash(get('incident-timeline').textContent)).toContain('Decision Anna Lind');
    locale.set('sv');
    flushSync();

    // Back to the board, the focus where it was.
    click('incident-report-close');
    await waitFor(() => expect(query('store-mode')).not.toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(get('incident-open-report')));
  });

  it('says “Inget” when nothing is left to reconcile, and marks a drill’s report as practice', async () => {
    const drill = incidentSummary({ id: 9, practice: true, cause: 'Övning', drill: ['swish'] });
    incidentReportMock.mockResolvedValue(incidentReport({ incident: drill, minutes: 3 }));
    await render(statusBoard({ drill }));
    click('drill-report');
    await waitFor(() => expect(query('incident-report-cause')).not.toBeNull());
    expect(incidentReportMock.mock.calls).toEqual([[9]]);
    expect(text('incident-report-practice')).toBe('ÖVNING');
    expect(text('incident-report-when')).toBe('Började 2026-11-27 14:10 · Pågår fortfarande · 3 min');
    expect(text('incident-reconcile-none')).toBe('Inget');
    expect(text('incident-down-none')).toBe('Inget var nere.');
    expect(text('incident-sales-none')).toBe('Ingen försäljning under tiden.');
  });

  it('adds a note and a decision, and shows the report the backend answers with', async () => {
    incidentReportMock.mockResolvedValue(REPORT);
    incidents.mockResolvedValue([incidentSummary({ closed_at: '2026-11-27T13:35:00Z' })]);
    await render();
    click('incident-row-5-open');
    await waitFor(() => expect(query('incident-note-text')).not.toBeNull());

    // Nothing typed: nothing sent.
    click('incident-note-add');
    expect(text('incident-report')).toContain('Skriv något först.');
    expect(addIncidentNote).not.toHaveBeenCalled();

    const noted = { ...REPORT, timeline: [...REPORT.timeline, { at: NOW, kind: 'note' as const, by: 'Anna Lind', text: 'Ringde banken' }] };
    addIncidentNote.mockResolvedValueOnce(noted);
    typeInto('incident-note-text', ' Ringde banken ');
    click('incident-note-add');
    await waitFor(() => expect(text('incident-note-done')).toBe('Anteckningen är sparad.'));
    expect(addIncidentNote.mock.calls).toEqual([[5, 'Ringde banken', false]]);
    expect((get('incident-note-text') as HTMLTextAreaElement).value).toBe('');
    expect(squash(get('incident-timeline').lastElementChild?.textContent)).toBe('2026-11-27 14:35 Anteckning Anna Lind Ringde banken');

    const decided = { ...noted, timeline: [...noted.timeline, { at: NOW, kind: 'decision' as const, by: 'Anna Lind', text: 'Vi kör kontant' }] };
    addIncidentNote.mockResolvedValueOnce(decided);
    typeInto('incident-note-text', 'Vi kör kontant');
    click('incident-decision-add');
    await waitFor(() => expect(text('incident-note-done')).toBe('Beslutet är sparat.'));
    expect(addIncidentNote.mock.calls[1]).toEqual([5, 'Vi kör kontant', true]);
    expect(get('incident-timeline').lastElementChild?.getAttribute('data-kind')).toBe('decision');
    expect(squash(get('incident-timeline').lastElementChild?.textContent)).toBe('2026-11-27 14:35 Beslut Anna Lind Vi kör kontant');
  });

  it('keeps the note typed when the backend refuses it', async () => {
    incidentReportMock.mockResolvedValue(REPORT);
    await render(DEGRADED);
    click('incident-open-report');
    await waitFor(() => expect(query('incident-note-text')).not.toBeNull());
    addIncidentNote.mockRejectedValue(apiError('invalid_input', 'Too long', 'För lång'));
    typeInto('incident-note-text', 'Ringde banken');
    click('incident-decision-add');
    await waitFor(() => expect(text('incident-report')).toContain('För lång'));
    expect((get('incident-note-text') as HTMLTextAreaElement).value).toBe('Ringde banken');
  });
});
