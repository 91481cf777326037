// Opening hours as the till shows them: the state in words from a HoursStatus and the clock (the
// header's chip, the till's banner, the manager's page), the change requests the manager's forms
// send, and which days differ from the usual. Pure: the caller passes the time and the language.
// The backend decides everything; this only words it and counts the minutes down between its
// `hours-changed` events.

import type {
  ChangeRequest,
  DayPlan,
  HoursChange,
  HoursStatus,
  OpeningHoursForm,
  SpecialDay,
  SpecialDayDate,
  SpecialDayForm,
} from './bindings';
import { translate, type Lang, type MessageKey } from './i18n';

/** The store's clock (the backend's feed says the same). */
export const STORE_TIME_ZONE = 'Europe/Stockholm';

/** Within this many minutes of the next change, the words count the minutes. */
export const SOON_MINUTES = 60;

/** An instant as the backend sends it (RFC 3339, maybe with nanoseconds) in ms; NaN if none. */
export function instantMs(value: string): number {
  return Date.parse(value.trim().replace(/(\.\d{3})\d+/, '$1'));
}

const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: STORE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const WEEKDAY: Record<Lang, Intl.DateTimeFormat> = {
  sv: new Intl.DateTimeFormat('sv-SE', { timeZone: STORE_TIME_ZONE, weekday: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: STORE_TIME_ZONE, weekday: 'long' }),
};

/** The store's date ("2026-11-28") and clock ("21:00") at an instant. */
export function storeClock(ms: number): { date: string; time: string } {
  const p = Object.fromEntries(PARTS.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** An instant as the store's date and time, "2026-11-28 14:05"; the text itself if not one. */
export function storeDateTime(value: string): string {
  const ms = instantMs(value);
  if (Number.isNaN(ms)) return value;
  const { date, time } = storeClock(ms);
  return `${date} ${time}`;
}

/** Whole minutes from `now` until `at`, rounded up as the backend counts them. */
export function minutesUntil(at: string, now: number): number {
  return Math.ceil((instantMs(at) - now) / 60_000);
}

/** Days between two dates written YYYY-MM-DD. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** When `at` is, from `now`: "21:00" today, "i morgon 08:00", "måndag 08:00". */
export function whenText(at: string, now: number, lang: Lang): string {
  const ms = instantMs(at);
  const next = storeClock(ms);
  const ahead = daysBetween(storeClock(now).date, next.date);
  if (ahead <= 0) return next.time;
  if (ahead === 1) return translate(lang, 'hoursTomorrow', { time: next.time });
  return `${WEEKDAY[lang].format(new Date(ms))} ${next.time}`;
}

/** The state ("Öppet") and what comes next ("stänger om 25 min (21:00)", "tills vidare"). */
export type HoursWords = {
  state: string;
  next: string;
  /** No change ahead because a manager's change holds it: "Stängt tills vidare". */
  furtherNotice: boolean;
};

export function hoursWords(status: HoursStatus, now: number, lang: Lang): HoursWords {
  const state = translate(lang, status.open ? 'hoursOpen' : 'hoursClosed');
  if (status.next_change === null) {
    const byChange = status.decided.kind === 'temporary' || status.decided.kind === 'override';
    if (byChange) return { state, next: translate(lang, 'hoursUntilFurtherNotice'), furtherNotice: true };
    return { state, next: translate(lang, status.open ? 'hoursNoClosingWeek' : 'hoursNoOpeningWeek'), furtherNotice: false };
  }
  const when = whenText(status.next_change, now, lang);
  const minutes = minutesUntil(status.next_change, now);
  const key: MessageKey =
    minutes > 0 && minutes <= SOON_MINUTES
      ? status.open
        ? 'hoursClosesIn'
        : 'hoursOpensIn'
      : status.open
        ? 'hoursCloses'
        : 'hoursOpens';
  return { state, next: translate(lang, key, { when, minutes }), furtherNotice: false };
}

/** The header's chip: "Öppet · stänger 21:00", "Stängt · öppnar om 25 min (08:00)". */
export function chipText(status: HoursStatus, now: number, lang: Lang): string {
  const words = hoursWords(status, now, lang);
  return `${words.state} · ${words.next}`;
}

/** A sentence's worth: "Stängt – öppnar i morgon 08:00", "Stängt tills vidare". */
export function summaryText(status: HoursStatus, now: number, lang: Lang): string {
  const words = hoursWords(status, now, lang);
  return words.furtherNotice ? `${words.state} ${words.next}` : `${words.state} – ${words.next}`;
}

/** The reason for the state now, in the language shown. */
export function reasonText(status: HoursStatus, lang: Lang): string {
  return lang === 'sv' ? status.reason_sv : status.reason_en;
}

/** A temporary change or a manager's open now / close now shaped the day. */
export function isChangedDay(day: DayPlan): boolean {
  return day.decided.some((d) => d.kind === 'temporary' || d.kind === 'override');
}

/** A day's hours as the backend stores them ("08:00-12:00,13:00-20:00", "closed") for people. */
export function dayHoursText(hours: string, lang: Lang): string {
  const text = hours.trim();
  if (text === '' || text.toLowerCase() === 'closed') return translate(lang, 'hoursClosedWord');
  return text
    .split(',')
    .map((part) => part.trim().replace('-', '–'))
    .join(', ');
}

/** The stored text as the editor shows it: "closed" in the language shown, else unchanged. */
export function editorText(hours: string, lang: Lang): string {
  return hours.trim().toLowerCase() === 'closed' ? translate(lang, 'hoursClosedWord') : hours;
}

// ------------------------------------------------------------------------------ the forms

/** Close now / open now from now, until "HH:MM" (the next time the clock shows it) or not. */
export function overrideRequest(open: boolean, until: string): ChangeRequest {
  const text = until.trim();
  return { kind: 'override', open, until: text === '' ? null : text };
}

/** The temporary change's form as typed. */
export type TemporaryForm = {
  /** YYYY-MM-DD. */
  from: string;
  /** YYYY-MM-DD; empty: the first day only. */
  to: string;
  untilFurtherNotice: boolean;
  /** "10-16", "stängt". */
  hours: string;
};

export function temporaryRequest(form: TemporaryForm): ChangeRequest {
  const starts = form.from.trim();
  const to = form.to.trim();
  return {
    kind: 'temporary',
    starts,
    ends: form.untilFurtherNotice ? null : to === '' ? starts : to,
    hours: form.hours.trim(),
  };
}

/** Preset: closed from `today` until further notice. */
export function presetClosed(today: string, lang: Lang): TemporaryForm {
  return { from: today, to: '', untilFurtherNotice: true, hours: translate(lang, 'hoursClosedWord') };
}

/** Preset: open 10–16 on `today` only. */
export function presetOpenToday(today: string): TemporaryForm {
  return { from: today, to: today, untilFurtherNotice: false, hours: '10-16' };
}

/** The editor's special days: the ones typed in, in the calendar's order; empty = as the week. */
export function specialDaysForm(calendar: SpecialDayDate[], typed: Partial<Record<SpecialDay, string>>): SpecialDayForm[] {
  return calendar
    .map((entry) => ({ day: entry.day, hours: (typed[entry.day] ?? '').trim() }))
    .filter((entry) => entry.hours !== '');
}

/** The standing hours as typed in the editor (the backend parses and checks them). */
export function openingHoursForm(
  week: string[],
  calendar: SpecialDayDate[],
  special: Partial<Record<SpecialDay, string>>,
  graceMinutes: number,
): OpeningHoursForm {
  return {
    week: week.map((day) => day.trim()),
    special_days: specialDaysForm(calendar, special),
    grace_minutes: graceMinutes,
  };
}

/** What a change does, e.g. "Tillfälliga öppettider 2026-12-01 – 2026-12-03: 10:00–16:00". */
export function describeChange(change: HoursChange, lang: Lang): string {
  const rule = change.rule;
  if (rule.kind === 'temporary') {
    const period =
      rule.ends === null
        ? translate(lang, 'hoursPeriodOpenEnded', { from: rule.starts })
        : rule.ends === rule.starts
          ? rule.starts
          : `${rule.starts} – ${rule.ends}`;
    return `${translate(lang, 'hoursChangeTemporary')} ${period}: ${dayHoursText(rule.hours, lang)}`;
  }
  const what = translate(lang, rule.open ? 'hoursChangeOpenNow' : 'hoursChangeClosedNow');
  const from = storeDateTime(rule.from);
  const period =
    rule.until === null
      ? translate(lang, 'hoursPeriodOpenEnded', { from })
      : translate(lang, 'hoursPeriodUntil', { from, until: storeDateTime(rule.until) });
  return `${what} ${period}`;
}

/** A file in the folder the backend publishes to, with the folder's own separator. */
export function publicFile(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir === '' ? name : dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/** A weekday as a heading: "lördag" → "Lördag". */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
