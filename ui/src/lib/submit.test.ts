import { describe, expect, it, vi } from 'vitest';
import { submitForm, submitOnEnter } from './submit';

describe('submitOnEnter', () => {
  it('runs submit on Enter and stops the default', () => {
    const submit = vi.fn();
    const event = new KeyboardEvent('keydown', { key: 'Enter', cancelable: true });
    submitOnEnter(submit)(event);
    expect(submit).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });

  it('leaves Enter alone while an IME is composing', () => {
    const submit = vi.fn();
    const event = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, cancelable: true });
    submitOnEnter(submit)(event);
    expect(submit).not.toHaveBeenCalled();
    expect(event.defaultPrevented).toBe(false);
  });

  it('leaves other keys alone', () => {
    const submit = vi.fn();
    const event = new KeyboardEvent('keydown', { key: 'a', cancelable: true });
    submitOnEnter(submit)(event);
    expect(submit).not.toHaveBeenCalled();
    expect(event.defaultPrevented).toBe(false);
  });
});

describe('submitForm', () => {
  it('stops the browser submit and runs submit', () => {
    const submit = vi.fn();
    const event = new Event('submit', { cancelable: true }) as SubmitEvent;
    submitForm(submit)(event);
    expect(submit).toHaveBeenCalledOnce();
    expect(event.defaultPrevented).toBe(true);
  });
});
