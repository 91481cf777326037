// Component props a test can change after mounting (never imported by the app).

/** A deeply reactive copy of `initial`: assigning to its fields updates the mounted component. */
export function reactiveProps<T extends object>(initial: T): T {
  const props = $state(initial);
  return props;
}
