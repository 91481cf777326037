// Helpers for the price-file import. The webview has no file-system access:
// it reads the file the manager picked and sends the text and the file name;
// the backend parses, checks and applies it (all or nothing).

import type { ImportReport, RowError } from './bindings';
import type { Lang, MessageKey } from './i18n';

/** What the file picker offers. `.json` is read as JSON, anything else as CSV. */
export const CATALOG_ACCEPT = '.csv,.json';

/**
 * True when the text was not UTF-8: decoding put U+FFFD where it could not read
 * a byte (a price file saved as Windows-1252 / "CSV" rather than "CSV UTF-8"
 * would otherwise import "Mj�lk" for "Mjölk").
 */
export function isMisdecoded(text: string): boolean {
  return text.includes('\uFFFD');
}

/**
 * The text of a file the person picked, read here (the webview has no file-system access), or
 * the message to show: `unreadable` when it cannot be read, not UTF-8 when it was not.
 */
export async function readPicked(file: File, unreadable: MessageKey): Promise<{ text: string } | { error: MessageKey }> {
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { error: unreadable };
  }
  return isMisdecoded(text) ? { error: 'errCatalogNotUtf8' } : { text };
}

/** Bad rows the backend counted but did not list (it lists at most 200). */
export function unlistedErrors(report: ImportReport): number {
  return Math.max(0, report.error_count - report.errors.length);
}

/** A row error's message in the screen language. */
export function rowMessage(error: RowError, lang: Lang): string {
  return (lang === 'sv' ? error.message_sv : error.message) || error.message || error.message_sv;
}
