import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiError } from './bindings';
import { ReasonedChange } from './reasoned.svelte';
import { inputError } from './validate';

const submitEvent = (): SubmitEvent => new Event('submit', { cancelable: true }) as SubmitEvent;

function reasonField(): HTMLInputElement {
  const input = document.createElement('input');
  document.body.appendChild(input);
  return input;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('a change with a reason', () => {
  it('sends the trimmed reason, empties it and confirms with onDone’s words', async () => {
    const change = new ReasonedChange();
    change.reason = '  Inventering  ';
    const send = vi.fn(async (reason: string) => ({ echoed: reason }));
    const onDone = vi.fn((result: { echoed: string }) => `klart: ${result.echoed}`);
    const event = submitEvent();
    const sent = change.submit(event, send, onDone);
    expect(event.defaultPrevented).toBe(true);
    expect(change.saving).toBe(true);
    await sent;
    expect(send.mock.calls).toEqual([['Inventering']]);
    expect(onDone.mock.calls).toEqual([[{ echoed: 'Inventering' }]]);
    expect(change.reason).toBe('');
    expect(change.error).toBeNull();
    expect(change.done).toBe('klart: Inventering');
    expect(change.saving).toBe(false);
  });

  it('refuses a blank reason, focuses the reason field and sends nothing', async () => {
    const change = new ReasonedChange();
    change.reasonInput = reasonField();
    change.reason = '   ';
    change.done = 'the last one';
    const send = vi.fn(async () => undefined);
    const event = submitEvent();
    await change.submit(event, send, () => 'done');
    expect(event.defaultPrevented).toBe(true);
    expect(send).not.toHaveBeenCalled();
    expect(change.error).toEqual(inputError('errReasonRequired'));
    expect(change.done).toBe('');
    expect(document.activeElement).toBe(change.reasonInput);
    expect(change.saving).toBe(false);
  });

  it('shows the check’s error before asking for the reason, without moving focus', async () => {
    const change = new ReasonedChange();
    change.reasonInput = reasonField();
    const send = vi.fn(async () => undefined);
    await change.submit(submitEvent(), send, () => 'done', () => inputError('errHoursGrace'));
    expect(change.error).toEqual(inputError('errHoursGrace'));
    expect(document.activeElement).not.toBe(change.reasonInput);
    expect(send).not.toHaveBeenCalled();

    change.reason = 'Ny rutin';
    await change.submit(submitEvent(), send, () => 'done', () => null);
    expect(send).toHaveBeenCalledOnce();
    expect(change.done).toBe('done');
  });

  it('ignores a second submit while the first is on its way', async () => {
    const change = new ReasonedChange();
    change.reason = 'Inventering';
    let answer: () => void = () => {};
    const send = vi.fn(() => new Promise<void>((resolve) => (answer = resolve)));
    const first = change.submit(submitEvent(), send, () => 'done');
    const again = submitEvent();
    await change.submit(again, send, () => 'done');
    expect(again.defaultPrevented).toBe(true);
    expect(send).toHaveBeenCalledOnce();
    answer();
    await first;
    expect(change.saving).toBe(false);
    expect(change.done).toBe('done');
  });

  it('keeps the backend’s error and the reason when the change fails', async () => {
    const change = new ReasonedChange();
    change.reason = 'Inventering';
    const failure: ApiError = { code: 'invalid_input', message: 'Bad hours', message_sv: 'Felaktiga tider' };
    const onDone = vi.fn(() => 'done');
    await change.submit(submitEvent(), () => Promise.reject(failure), onDone);
    expect(change.error).toBe(failure);
    expect(change.reason).toBe('Inventering');
    expect(change.done).toBe('');
    expect(onDone).not.toHaveBeenCalled();
    expect(change.saving).toBe(false);
  });

  it('empties the last confirmation on the next submit, and clears both on clear()', async () => {
    const change = new ReasonedChange();
    change.reason = 'Inventering';
    await change.submit(submitEvent(), async () => undefined, () => 'done');
    expect(change.done).toBe('done');
    await change.submit(submitEvent(), async () => undefined, () => 'done');
    expect(change.done).toBe('');
    expect(change.error).toEqual(inputError('errReasonRequired'));
    change.done = 'a preset';
    change.clear();
    expect(change.done).toBe('');
    expect(change.error).toBeNull();
  });
});
