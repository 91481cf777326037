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
});
