// A clock for display only: reading `now` in a component's markup (or a $derived it uses)
// re-renders it every `intervalMs` while it is on screen. It never asks the backend anything:
// the opening hours come from the backend's events, this only counts "closing in N min" down.

import { createSubscriber } from 'svelte/reactivity';

export class DisplayClock {
  readonly #subscribe: () => void;

  constructor(intervalMs: number) {
    this.#subscribe = createSubscriber((update) => {
      const timer = setInterval(update, intervalMs);
      return () => clearInterval(timer);
    });
  }

  /** `Date.now()`, read again on every tick while something shows it. */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

/** The clock the opening-hours words count minutes with. */
export const displayClock = new DisplayClock(30_000);
