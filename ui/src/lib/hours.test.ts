import { describe, expect, it } from 'vitest';
import type { DayPlan, HoursChange, SpecialDayDate } from './bindings';
import {
  chipText,
  dayHoursText,
  describeChange,
  editorText,
  instantMs,
  isChangedDay,
  minutesUntil,
  openingHoursForm,
  overrideRequest,
  presetClosed,
  presetOpenToday,
  publicFile,
  storeDateTime,
  summaryText,
  temporaryRequest,
} from './hours';
import { hoursStatus } from './testing/hours';

/** Friday 27 November 2026, 20:35 in Stockholm (UTC+1). */
const NOW = Date.parse('2026-11-27T19:35:00Z');

function day(date: string, decided: DayPlan['decided']): DayPlan {
  return {
    date,
    weekday_sv: 'lördag',
    weekday_en: 'Saturday',
    intervals: [],
    hours_sv: 'Stängt',
    hours_en: 'Closed',
    special_day: null,
    decided,
    reasons_sv: [],
    reasons_en: [],
  };
}

describe('the state in words', () => {
  it('counts the minutes within the hour before the change, on the store’s clock', () => {
    expect(chipText(hoursStatus(), NOW, 'sv')).toBe('Öppet · stänger om 25 min (21:00)');
    expect(chipText(hoursStatus(), NOW, 'en')).toBe('Open · closing in 25 min (21:00)');
    // 30 s later the minute is still counted up, as the backend does.
    expect(chipText(hoursStatus(), NOW + 30_000, 'sv')).toBe('Öppet · stänger om 25 min (21:00)');
    expect(chipText(hoursStatus(), NOW + 60_000, 'sv')).toBe('Öppet · stänger om 24 min (21:00)');
    expect(summaryText(hoursStatus(), NOW, 'sv')).toBe('Öppet – stänger om 25 min (21:00)');
  });

  it('gives the clock time alone when the change is more than an hour away', () => {
    const early = Date.parse('2026-11-27T12:00:00Z');
    expect(chipText(hoursStatus(), early, 'sv')).toBe('Öppet · stänger 21:00');
    expect(chipText(hoursStatus(), early, 'en')).toBe('Open · closes 21:00');
    // Summer time: 19:00 UTC is 21:00 in Stockholm.
    const summer = hoursStatus({ next_change: '2026-07-01T19:00:00Z' });
    expect(chipText(summer, Date.parse('2026-07-01T10:00:00Z'), 'sv')).toBe('Öppet · stänger 21:00');
  });

  it('says “i morgon” for tomorrow and the weekday further ahead', () => {
    const closed = hoursStatus({ open: false, next_change: '2026-11-28T07:00:00Z' });
    expect(chipText(closed, NOW, 'sv')).toBe('Stängt · öppnar i morgon 08:00');
    expect(chipText(closed, NOW, 'en')).toBe('Closed · opens tomorrow 08:00');
    expect(summaryText(closed, NOW, 'sv')).toBe('Stängt – öppnar i morgon 08:00');
    const monday = hoursStatus({ open: false, next_change: '2026-11-30T07:00:00Z' });
    expect(chipText(monday, NOW, 'sv')).toBe('Stängt · öppnar måndag 08:00');
    expect(chipText(monday, NOW, 'en')).toBe('Closed · opens Monday 08:00');
    // Ten minutes past midnight tomorrow, twenty minutes from 23:50: minutes and the day.
    const late = Date.parse('2026-11-27T22:50:00Z');
    const night = hoursStatus({ open: false, next_change: '2026-11-27T23:10:00Z' });
    expect(chipText(night, late, 'sv')).toBe('Stängt · öppnar om 20 min (i morgon 00:10)');
  });

  it('says “tills vidare” when a manager’s change holds the state with no end', () => {
    const closed = hoursStatus({
      open: false,
      next_change: null,
      minutes_to_change: null,
      decided: { kind: 'override', id: 3, open: false, reason: 'IT-incident' },
    });
    expect(chipText(closed, NOW, 'sv')).toBe('Stängt · tills vidare');
    expect(chipText(closed, NOW, 'en')).toBe('Closed · until further notice');
    expect(summaryText(closed, NOW, 'sv')).toBe('Stängt tills vidare');
    const temporary = hoursStatus({ next_change: null, decided: { kind: 'temporary', id: 4, reason: 'Inventering' } });
    expect(chipText(temporary, NOW, 'sv')).toBe('Öppet · tills vidare');
    // The week itself with no change within seven days says so.
    const weekly = hoursStatus({ next_change: null });
    expect(chipText(weekly, NOW, 'sv')).toBe('Öppet · stänger inte den kommande veckan');
    expect(summaryText(hoursStatus({ open: false, next_change: null }), NOW, 'en')).toBe('Closed – no opening in the coming week');
  });

  it('leaves the minutes out once the moment has passed (until the event comes)', () => {
    expect(chipText(hoursStatus(), Date.parse('2026-11-27T20:00:30Z'), 'sv')).toBe('Öppet · stänger 21:00');
  });

  it('reads the backend’s instants, nanoseconds included', () => {
    expect(instantMs('2026-11-27T19:35:00.123456789Z')).toBe(NOW + 123);
    expect(minutesUntil('2026-11-27T20:00:00Z', NOW)).toBe(25);
    expect(storeDateTime('2026-11-27T19:35:00Z')).toBe('2026-11-27 20:35');
    expect(storeDateTime('not a time')).toBe('not a time');
  });
});

describe('days and changes', () => {
  it('marks a day changed only by a temporary change or a manager’s override', () => {
    expect(isChangedDay(day('2026-11-28', [{ kind: 'weekly', weekday: 'saturday' }]))).toBe(false);
    expect(isChangedDay(day('2026-12-24', [{ kind: 'weekly', weekday: 'thursday' }, { kind: 'special_day', day: 'julafton' }]))).toBe(false);
    expect(isChangedDay(day('2026-11-28', [{ kind: 'weekly', weekday: 'saturday' }, { kind: 'temporary', id: 1, reason: 'x' }]))).toBe(true);
    expect(isChangedDay(day('2026-11-28', [{ kind: 'weekly', weekday: 'saturday' }, { kind: 'override', id: 2, open: false, reason: 'x' }]))).toBe(true);
  });

  it('words a day’s stored hours', () => {
    expect(dayHoursText('08:00-12:00,13:00-20:00', 'sv')).toBe('08:00–12:00, 13:00–20:00');
    expect(dayHoursText('closed', 'sv')).toBe('stängt');
    expect(dayHoursText('closed', 'en')).toBe('closed');
    expect(editorText('closed', 'sv')).toBe('stängt');
    expect(editorText('08:00-21:00', 'sv')).toBe('08:00-21:00');
  });

  it('describes a change: what, from when, until when', () => {
    const base = { reason: 'Inventering', made_by: { id: 1, name: 'Anna Lind' }, made_at: '2026-11-27T10:00:00Z', ended: null };
    const week: HoursChange = { id: 1, rule: { kind: 'temporary', starts: '2026-12-01', ends: '2026-12-03', hours: '10:00-16:00' }, ...base };
    expect(describeChange(week, 'sv')).toBe('Tillfälliga öppettider 2026-12-01 – 2026-12-03: 10:00–16:00');
    const oneDay: HoursChange = { ...week, rule: { kind: 'temporary', starts: '2026-12-01', ends: '2026-12-01', hours: 'closed' } };
    expect(describeChange(oneDay, 'en')).toBe('Temporary hours 2026-12-01: closed');
    const open: HoursChange = { ...week, rule: { kind: 'temporary', starts: '2026-12-01', ends: null, hours: 'closed' } };
    expect(describeChange(open, 'sv')).toBe('Tillfälliga öppettider från 2026-12-01 tills vidare: stängt');
    const close: HoursChange = {
      ...week,
      rule: { kind: 'override', open: false, from: '2026-11-27T13:05:00Z', until: '2026-11-27T20:00:00Z' },
    };
    expect(describeChange(close, 'sv')).toBe('Stängt av chef från 2026-11-27 14:05 till 2026-11-27 21:00');
    const openNow: HoursChange = { ...week, rule: { kind: 'override', open: true, from: '2026-11-27T13:05:00Z', until: null } };
    expect(describeChange(openNow, 'en')).toBe('Opened by a manager from 2026-11-27 14:05 until further notice');
  });

  it('names the published files with the folder’s own separator', () => {
    expect(publicFile('/data/demo/public', 'door-sign.pdf')).toBe('/data/demo/public/door-sign.pdf');
    expect(publicFile('/data/demo/public/', 'hours.json')).toBe('/data/demo/public/hours.json');
    expect(publicFile('C:\\Storekeep\\public', 'hours.json')).toBe('C:\\Storekeep\\public\\hours.json');
  });
});

describe('the requests the forms send', () => {
  it('closes or opens now until a time, or until further notice', () => {
    expect(overrideRequest(false, ' 21:00 ')).toEqual({ kind: 'override', open: false, until: '21:00' });
    expect(overrideRequest(true, '  ')).toEqual({ kind: 'override', open: true, until: null });
  });

  it('sends a temporary change for a run of dates, one day, or until further notice', () => {
    expect(temporaryRequest({ from: '2026-12-01', to: '2026-12-03', untilFurtherNotice: false, hours: ' 10-16 ' })).toEqual({
      kind: 'temporary',
      starts: '2026-12-01',
      ends: '2026-12-03',
      hours: '10-16',
    });
    // No end date: the first day only.
    expect(temporaryRequest({ from: '2026-12-01', to: '', untilFurtherNotice: false, hours: 'stängt' })).toMatchObject({
      ends: '2026-12-01',
    });
    // "Tills vidare" wins over a date left in the field.
    expect(temporaryRequest({ from: '2026-12-01', to: '2026-12-03', untilFurtherNotice: true, hours: 'stängt' })).toMatchObject({ ends: null });
  });

  it('fills the presets from today', () => {
    expect(presetClosed('2026-11-27', 'sv')).toEqual({ from: '2026-11-27', to: '', untilFurtherNotice: true, hours: 'stängt' });
    expect(temporaryRequest(presetClosed('2026-11-27', 'en'))).toEqual({
      kind: 'temporary',
      starts: '2026-11-27',
      ends: null,
      hours: 'closed',
    });
    expect(temporaryRequest(presetOpenToday('2026-11-27'))).toEqual({
      kind: 'temporary',
      starts: '2026-11-27',
      ends: '2026-11-27',
      hours: '10-16',
    });
  });

  it('sends the standing hours with only the special days typed in, in calendar order', () => {
    const calendar: SpecialDayDate[] = [
      { day: 'julafton', name_sv: 'Julafton', name_en: 'Christmas Eve', date: '2026-12-24' },
      { day: 'juldagen', name_sv: 'Juldagen', name_en: 'Christmas Day', date: '2026-12-25' },
      { day: 'nyarsafton', name_sv: 'Nyårsafton', name_en: 'New Year’s Eve', date: '2026-12-31' },
    ];
    const week = [' 08-21', '08-21', '08-21', '08-21', '08-21', '10-16', 'stängt '];
    expect(openingHoursForm(week, calendar, { nyarsafton: '10-14', juldagen: '  ', julafton: ' stängt ' }, 10)).toEqual({
      week: ['08-21', '08-21', '08-21', '08-21', '08-21', '10-16', 'stängt'],
      special_days: [
        { day: 'julafton', hours: 'stängt' },
        { day: 'nyarsafton', hours: '10-14' },
      ],
      grace_minutes: 10,
    });
  });
});
