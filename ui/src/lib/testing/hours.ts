// Opening-hours fixtures shared by the tests (never imported by the app).

import type { HoursStatus } from '../bindings';

/**
 * The backend's opening-hours state: by default Friday 27 November 2026, 20:35 in Stockholm,
 * open by the weekly hours and closing at 21:00; `extra` changes what a test needs.
 */
export function hoursStatus(extra: Partial<HoursStatus> = {}): HoursStatus {
  return {
    at: '2026-11-27T19:35:00Z',
    open: true,
    decided: { kind: 'weekly', weekday: 'friday' },
    since: '2026-11-27T07:00:00Z',
    next_change: '2026-11-27T20:00:00Z',
    minutes_to_change: 25,
    in_grace: false,
    refresh_at: null,
    summary_sv: 'Öppet – stänger om 25 min (21:00)',
    summary_en: 'Open – closing in 25 min (21:00)',
    reason_sv: 'Ordinarie veckoschema (fredag)',
    reason_en: 'Regular weekly hours (Friday)',
    ...extra,
  };
}
