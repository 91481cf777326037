import { describe, expect, it } from 'vitest';
import { createSerialQueue } from './queue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createSerialQueue', () => {
  it('runs tasks one at a time in order, even when later ones are faster', async () => {
    const enqueue = createSerialQueue();
    const order: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const tasks = Array.from({ length: 10 }, (_, i) =>
      enqueue(async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(10 - i);
        order.push(i);
        running -= 1;
        return i;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxRunning).toBe(1);
  });

  it('keeps going after a failing task', async () => {
    const enqueue = createSerialQueue();
    const failed = enqueue(async () => {
      throw new Error('boom');
    });
    const next = enqueue(async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
