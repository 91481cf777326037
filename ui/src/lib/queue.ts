// A promise queue: tasks run strictly one at a time, in the order enqueued.
// A failing task does not stop the ones after it.

export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(() => task());
    tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}
