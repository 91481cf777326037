// Keeps keyboard focus inside a modal dialog: focus that lands outside it is sent back to
// the dialog's main field. Used as `use:trapFocus={() => field}` on the dialog element.

export function trapFocus(dialog: HTMLElement, target: () => HTMLElement | undefined) {
  let current = target;
  const keepFocus = (event: FocusEvent) => {
    if (!(event.target instanceof Node) || dialog.contains(event.target)) return;
    // Another modal on top (e.g. a manager's approval) owns the focus: never fight it.
    if (event.target instanceof Element && event.target.closest('[aria-modal="true"]')) return;
    current()?.focus();
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
