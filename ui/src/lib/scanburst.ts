// Tells a keyboard-wedge barcode scanner from a person at the keyboard.
//
// A scanner "types" the code's digits a few ms apart and ends with Enter; a person types much
// slower. Only a run of at least SCAN_MIN_DIGITS digits, each key less than SCAN_KEY_GAP_MS after
// the one before, ending in Enter just as fast, counts as a scan. Typed amounts ("50", "0,452")
// and PINs are shorter or contain other keys, so even a test driver typing them at full speed
// is never taken for a scanner. Pure: the caller passes each key's time stamp.

/** The most time (ms) between two keys of one scan. */
export const SCAN_KEY_GAP_MS = 30;

/** The fewest digits a scan has (EAN-8 is the shortest barcode the till reads). */
export const SCAN_MIN_DIGITS = 8;

export type BurstStep =
  /** A digit that starts a new run (the caller may note what the field held before it). */
  | { kind: 'start' }
  /** A digit that goes on with a fast run. */
  | { kind: 'digit' }
  /** Enter that ends a scanner's run: `code` is what was scanned. */
  | { kind: 'scan'; code: string }
  /** Any other key (or an Enter that ends no scan). */
  | { kind: 'other' };

/** Keys that only modify others: they neither end nor break a run. */
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock']);

function isDigit(key: string): boolean {
  return key.length === 1 && key >= '0' && key <= '9';
}

export class ScanBurstDetector {
  readonly gapMs: number;
  readonly minDigits: number;
  #digits = '';
  #last = 0;

  constructor(gapMs = SCAN_KEY_GAP_MS, minDigits = SCAN_MIN_DIGITS) {
    this.gapMs = gapMs;
    this.minDigits = minDigits;
  }

  /** The digits of the run so far. */
  get digits(): string {
    return this.#digits;
  }

  /** Feeds one keydown (`event.key`, `event.timeStamp`) and says what it was. */
  key(key: string, time: number): BurstStep {
    if (MODIFIERS.has(key)) return { kind: 'other' };
    const gap = time - this.#last;
    // A clock that went backwards is no proof of speed.
    const fast = this.#digits !== '' && gap >= 0 && gap < this.gapMs;
    if (isDigit(key)) {
      this.#last = time;
      if (fast) {
        this.#digits += key;
        return { kind: 'digit' };
      }
      this.#digits = key;
      return { kind: 'start' };
    }
    const code = this.#digits;
    this.reset();
    if (key === 'Enter' && fast && code.length >= this.minDigits) return { kind: 'scan', code };
    return { kind: 'other' };
  }

  /** Forgets the run (e.g. the screen changed). */
  reset(): void {
    this.#digits = '';
    this.#last = 0;
  }
}
