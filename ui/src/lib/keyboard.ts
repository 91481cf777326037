// Helpers for the keyboard-wedge barcode scanner and global shortcuts.

/** Elements that take typed text themselves: the window listener leaves them alone. */
export function isTextEntryTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    const nonText = ['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'];
    return !nonText.includes(target.type);
  }
  return target instanceof HTMLElement && target.isContentEditable;
}

/** Elements where Enter has its own meaning (activating a button or link). */
export function isInteractiveTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (isTextEntryTarget(target)) return true;
  return target.closest('button, a[href], input, select, textarea, summary, [role="button"]') !== null;
}

/** Keys a scanner sends for a barcode (digits only: EAN/GTIN and in-store codes). */
export function isScanChar(key: string): boolean {
  return key.length === 1 && key >= '0' && key <= '9';
}
