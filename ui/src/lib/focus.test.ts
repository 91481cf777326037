import { describe, expect, it } from 'vitest';
import { trapFocus } from './focus';

describe('trapFocus', () => {
  it('sends focus that leaves the dialog back to its field, until destroyed', () => {
    document.body.innerHTML = '<button id="outside">x</button><div id="dialog"><input id="field" /></div>';
    const dialog = document.getElementById('dialog')!;
    const field = document.getElementById('field') as HTMLInputElement;
    const outside = document.getElementById('outside') as HTMLButtonElement;
    const trap = trapFocus(dialog, () => field);

    outside.focus();
    expect(document.activeElement).toBe(field);

    trap.destroy();
    outside.focus();
    expect(document.activeElement).toBe(outside);
  });

  it('leaves the focus to another modal dialog on top', () => {
    document.body.innerHTML =
      '<div id="first" aria-modal="true"><input id="a" /></div><div id="second" aria-modal="true"><input id="b" /></div>';
    const a = document.getElementById('a') as HTMLInputElement;
    const b = document.getElementById('b') as HTMLInputElement;
    const first = trapFocus(document.getElementById('first')!, () => a);
    const second = trapFocus(document.getElementById('second')!, () => b);
    b.focus();
    expect(document.activeElement).toBe(b);
    first.destroy();
    second.destroy();
  });
});
