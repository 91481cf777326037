import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleTimer } from './idle';

describe('createIdleTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the idle time, and activity restarts the count', () => {
    const onIdle = vi.fn();
    const timer = createIdleTimer(60, onIdle);
    vi.advanceTimersByTime(59_000);
    timer.poke();
    vi.advanceTimersByTime(59_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('does nothing when stopped or when the time is 0', () => {
    const onIdle = vi.fn();
    createIdleTimer(0, onIdle);
    const timer = createIdleTimer(5, onIdle);
    timer.stop();
    vi.advanceTimersByTime(60_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
