import { describe, expect, it } from 'vitest';
import type { Received } from './bindings';
import { detectionSeconds, incidentsKey, isHexKey, keyPrefix, namesOf, refusalText, sinceText, timelineKindName } from './status';
import { incidentSummary, statusBoard } from './testing/status';

const refused = (extra: Partial<Received>): Received => ({
  at: '2026-11-27T13:30:00Z',
  source: 'hq',
  kind: null,
  counter: null,
  accepted: false,
  refusal: 'bad signature',
  refusal_sv: 'fel signatur',
  summary: null,
  ...extra,
});

describe('status words', () => {
  it('rounds the detection time up to whole seconds', () => {
    expect(detectionSeconds(2500)).toBe(3);
    expect(detectionSeconds(2000)).toBe(2);
    expect(detectionSeconds(0)).toBe(0);
  });

  it('checks HQ’s key and shows its first 16 hex digits', () => {
    const key = 'AbCdEf0123456789'.repeat(4);
    expect(isHexKey(key)).toBe(true);
    expect(isHexKey(key.slice(1))).toBe(false);
    expect(isHexKey(`${key.slice(1)}g`)).toBe(false);
    expect(keyPrefix(key)).toBe('AbCdEf0123456789');
  });

  it('names dependencies as the board does, an unknown one by its id', () => {
    const board = statusBoard();
    expect(namesOf(['card_acquirer', 'swish'], board, 'sv')).toBe('Kortinlösare, Swish');
    expect(namesOf(['card_acquirer'], board, 'en')).toBe('Card acquirer');
    expect(namesOf(['internet'], board, 'sv')).toBe('internet');
  });

  it('words since, a refusal and a timeline kind in both languages', () => {
    expect(sinceText(null, 'sv')).toBe('sedan start');
    expect(sinceText('2026-11-27T13:10:00Z', 'en')).toBe('since 2026-11-27 14:10');
    expect(refusalText(refused({}), 'sv')).toBe('fel signatur');
    expect(refusalText(refused({}), 'en')).toBe('bad signature');
    expect(refusalText(refused({ refusal_sv: null }), 'sv')).toBe('bad signature');
    expect(refusalText(refused({ accepted: true, refusal: null, refusal_sv: null }), 'sv')).toBe('');
    expect(timelineKindName('decision', 'sv')).toBe('Beslut');
    expect(timelineKindName('auto', 'en')).toBe('Automatic');
  });

  it('changes the incidents key when an incident or a drill opens or closes, not otherwise', () => {
    const normal = statusBoard();
    const open = statusBoard({ incident: incidentSummary({ id: 5 }) });
    expect(incidentsKey(normal)).toBe(incidentsKey(statusBoard({ detection_ms: 9000 })));
    expect(incidentsKey(open)).not.toBe(incidentsKey(normal));
    expect(incidentsKey(statusBoard({ drill: incidentSummary({ id: 9 }) }))).not.toBe(incidentsKey(normal));
    expect(incidentsKey(null)).toBe(incidentsKey(normal));
  });
});
