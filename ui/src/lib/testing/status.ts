// Degraded-mode fixtures shared by the tests (never imported by the app).

import type {
  Dependency,
  DependencyStatus,
  IncidentReport,
  IncidentSummary,
  ModeView,
  StatusBoard,
} from '../bindings';
import { hoursStatus } from './hours';
import { paymentsStatus } from './payments';

const NAMES: Record<Dependency, [string, string]> = {
  hq: ['Huvudkontoret', 'Head office'],
  card_acquirer: ['Kortinlösare', 'Card acquirer'],
  swish: ['Swish', 'Swish'],
  scan_and_pay_service: ['Scan & Pay-tjänsten', 'Scan & Pay service'],
  price_feed: ['Prisflöde', 'Price feed'],
  receipt_printer: ['Kvittoskrivare', 'Receipt printer'],
  control_unit: ['Kontrollenhet', 'Control unit'],
  internet: ['Internet', 'Internet'],
};

/** A dependency as the board sends it: by default green since start, probed by the simulator. */
export function dependencyStatus(dependency: Dependency, extra: Partial<DependencyStatus> = {}): DependencyStatus {
  const [sv, en] = NAMES[dependency];
  return {
    dependency,
    name_sv: sv,
    name_en: en,
    level: 'green',
    since: null,
    monitored: true,
    probe: 'simulator',
    simulated: true,
    last_failure: null,
    impact_sv: `Utan ${sv.toLowerCase()} går det sämre`,
    impact_en: `Without the ${en.toLowerCase()} things go worse`,
    practice: false,
    ...extra,
  };
}

export const NORMAL_MODE: ModeView = {
  mode: { kind: 'normal' },
  since: null,
  island: null,
  meaning_sv: ['Allt fungerar som vanligt'],
  meaning_en: ['Everything works as usual'],
};

/** The card acquirer is down: card goes offline within the caps. */
export const DEGRADED_MODE: ModeView = {
  mode: { kind: 'degraded', lost: ['card_acquirer'] },
  since: '2026-11-27T13:10:00Z',
  island: null,
  meaning_sv: ['Kort tas offline upp till taket', 'Kontanter och Swish fungerar'],
  meaning_en: ['Card is taken offline up to the cap', 'Cash and Swish work'],
};

/** A manager cut remote control. */
export const ISLAND_MODE: ModeView = {
  mode: { kind: 'island', lost: [] },
  since: '2026-11-27T12:00:00Z',
  island: { since: '2026-11-27T12:00:00Z', by: 'Anna Lind', reason: 'Misstänkt intrång' },
  meaning_sv: ['Ingen fjärrstyrning tas emot', 'Försäljningen fortsätter'],
  meaning_en: ['No remote control is taken', 'Selling goes on'],
};

export function incidentSummary(extra: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: 5,
    opened_at: '2026-11-27T13:10:00Z',
    closed_at: null,
    practice: false,
    cause: 'Kortinlösaren svarar inte / The card acquirer does not answer',
    drill: [],
    ...extra,
  };
}

/** Friday 27 November 2026: every dependency green and simulated but the printer, which is not monitored. */
export function statusBoard(extra: Partial<StatusBoard> = {}): StatusBoard {
  return {
    mode: NORMAL_MODE,
    dependencies: [
      dependencyStatus('hq', { simulated: false, probe: 'http://hq.example/health' }),
      dependencyStatus('card_acquirer'),
      dependencyStatus('swish'),
      dependencyStatus('receipt_printer', { monitored: false, simulated: false, probe: 'av' }),
    ],
    payments: paymentsStatus(),
    hours: hoursStatus(),
    hq_queue: { waiting: 0, oldest: null, sync_configured: true },
    incident: null,
    drill: null,
    remote: { pinned: null, last_counter: null, refused_recently: 0, recent: [] },
    settings: {
      probe: { interval_ms: 1000, timeout_ms: 500, fail_after: 2, recover_after: 2 },
      targets: { card_acquirer: { kind: 'simulated' }, swish: { kind: 'simulated' } },
      island_on_forgery: true,
    },
    detection_ms: 2500,
    ...extra,
  };
}

export function incidentReport(extra: Partial<IncidentReport> = {}): IncidentReport {
  return {
    incident: incidentSummary(),
    minutes: 0,
    down: [],
    timeline: [],
    sales: [],
    receipts: 0,
    sales_total: '0.00',
    returns: 0,
    returns_amount: '0.00',
    offline: {
      count: 0,
      amount: '0.00',
      pending: 0,
      pending_amount: '0.00',
      declined: 0,
      declined_amount: '0.00',
    },
    to_reconcile_sv: [],
    to_reconcile_en: [],
    ...extra,
  };
}
