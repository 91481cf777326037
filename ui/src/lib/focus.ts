// Keeps keyboard focus inside a modal dialog: focus that lands outside it is sent back to
// the dialog's main field. Used as `use:trapFocus={() => field}` on the dialog element.

export function trapFocus(dialog: HTMLElement, target: () => HTMLElement | undefined) {
  let current = target;
  const keepFocus = (event: FocusEvent) => {
    if (event.target instanceof Node && !dialog.contains(event.target)) current()?.focus();
  };
  document.addEventListener('focusin', keepFocus);
  return {
    update(next: () => HTMLElement | undefined) {
      current = next;
    },
    destroy() {
      document.removeEventListener('focusin', keepFocus);
    },
  };
}
