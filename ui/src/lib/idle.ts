// Idle logout: calls `onIdle` once after `seconds` without activity.
// Plain setTimeout, so tests drive it with vi.useFakeTimers().

export type IdleTimer = {
  /** Activity seen: start counting again. */
  poke(): void;
  stop(): void;
};

export function createIdleTimer(seconds: number, onIdle: () => void): IdleTimer {
  let handle: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (handle !== null) clearTimeout(handle);
    handle = null;
  };
  const poke = () => {
    stop();
    if (!(seconds > 0)) return; // 0 or missing: no idle logout
    handle = setTimeout(() => {
      handle = null;
      onIdle();
    }, seconds * 1000);
  };
  poke();
  return { poke, stop };
}
