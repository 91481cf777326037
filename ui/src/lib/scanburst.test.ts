import { describe, expect, it } from 'vitest';
import { SCAN_KEY_GAP_MS, SCAN_MIN_DIGITS, ScanBurstDetector, type BurstStep } from './scanburst';

/** Feeds `keys` (each character a key, `\n` Enter) `gapMs` apart from `start`; the last step. */
function feed(detector: ScanBurstDetector, keys: string, gapMs: number, start = 1000): BurstStep[] {
  const steps: BurstStep[] = [];
  let time = start;
  for (const char of keys) {
    steps.push(detector.key(char === '\n' ? 'Enter' : char, time));
    time += gapMs;
  }
  return steps;
}

describe('ScanBurstDetector', () => {
  it('uses a 30 ms gap and at least 8 digits', () => {
    expect(SCAN_KEY_GAP_MS).toBe(30);
    expect(SCAN_MIN_DIGITS).toBe(8);
  });

  it('takes a fast run of digits ending in Enter for a scan', () => {
    const detector = new ScanBurstDetector();
    const steps = feed(detector, '7310865004703\n', 4);
    expect(steps[0]).toEqual({ kind: 'start' });
    expect(steps.slice(1, -1).every((s) => s.kind === 'digit')).toBe(true);
    expect(steps.at(-1)).toEqual({ kind: 'scan', code: '7310865004703' });
    expect(detector.digits).toBe('');
  });

  it('takes an EAN-8 (8 digits) for a scan, but not 7 digits', () => {
    expect(feed(new ScanBurstDetector(), '96385074\n', 5).at(-1)).toEqual({ kind: 'scan', code: '96385074' });
    expect(feed(new ScanBurstDetector(), '9638507\n', 5).at(-1)).toEqual({ kind: 'other' });
  });

  it('never takes human typing for a scan, however long', () => {
    const detector = new ScanBurstDetector();
    const steps = feed(detector, '7310865004703\n', SCAN_KEY_GAP_MS);
    expect(steps.slice(0, -1).every((s) => s.kind === 'start')).toBe(true);
    expect(steps.at(-1)).toEqual({ kind: 'other' });
  });

  it('never takes fast-typed amounts or PINs for a scan', () => {
    for (const typed of ['50\n', '20\n', '0,452\n', '100,50\n', '1111\n', '2222\n', '1234567\n']) {
      expect(feed(new ScanBurstDetector(), typed, 1).at(-1), typed).toEqual({ kind: 'other' });
    }
  });

  it('needs only digits: a comma, a letter or another key breaks the run', () => {
    expect(feed(new ScanBurstDetector(), '1234,5678\n', 1).at(-1)).toEqual({ kind: 'other' });
    expect(feed(new ScanBurstDetector(), 'GIFT12345678\n', 1).at(-1)).toEqual({ kind: 'scan', code: '12345678' });
    const detector = new ScanBurstDetector();
    feed(detector, '1234', 1, 1000);
    expect(detector.key('Backspace', 1004)).toEqual({ kind: 'other' });
    expect(feed(detector, '5678\n', 1, 1005).at(-1)).toEqual({ kind: 'other' });
  });

  it('needs the Enter to come as fast as the digits', () => {
    const detector = new ScanBurstDetector();
    feed(detector, '73108650', 2, 1000); // the last digit at 1014
    expect(detector.key('Enter', 1014 + SCAN_KEY_GAP_MS)).toEqual({ kind: 'other' });
  });

  it('starts a new run after a pause: slow digits before a scan stay typed', () => {
    const detector = new ScanBurstDetector();
    expect(detector.key('5', 0)).toEqual({ kind: 'start' });
    expect(detector.key('0', 200)).toEqual({ kind: 'start' });
    const steps = feed(detector, '73108650\n', 3, 500);
    expect(steps[0]).toEqual({ kind: 'start' });
    expect(steps.at(-1)).toEqual({ kind: 'scan', code: '73108650' });
  });

  it('lets modifier keys pass without breaking a run', () => {
    const detector = new ScanBurstDetector();
    feed(detector, '7310', 2, 1000);
    expect(detector.key('Shift', 1007)).toEqual({ kind: 'other' });
    expect(feed(detector, '8650\n', 2, 1008).at(-1)).toEqual({ kind: 'scan', code: '73108650' });
  });

  it('does not trust a clock that went backwards, and forgets a run on reset', () => {
    const detector = new ScanBurstDetector();
    feed(detector, '7310865', 2, 1000);
    expect(detector.key('0', 10)).toEqual({ kind: 'start' });
    feed(detector, '7310865', 2, 2000);
    detector.reset();
    expect(detector.digits).toBe('');
    expect(detector.key('Enter', 2015)).toEqual({ kind: 'other' });
  });
});
