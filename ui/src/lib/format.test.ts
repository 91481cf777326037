import { describe, expect, it } from 'vitest';
import { formatStockholm } from './format';

describe('formatStockholm', () => {
  it('shows instants in Swedish local time, winter and summer', () => {
    expect(formatStockholm('2025-03-01T13:05:09Z')).toBe('2025-03-01 14:05:09');
    expect(formatStockholm('2025-07-01T22:30:00Z')).toBe('2025-07-02 00:30:00');
    expect(formatStockholm('2025-07-01T12:00:00+02:00')).toBe('2025-07-01 12:00:00');
  });

  it('leaves text it cannot read as it is', () => {
    expect(formatStockholm('yesterday')).toBe('yesterday');
  });
});
