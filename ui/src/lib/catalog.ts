// Helpers for the price-file import. The webview has no file-system access:
// it reads the file the manager picked and sends the text and the file name;
// the backend parses, checks and applies it (all or nothing).

import type { ImportReport, RowError } from './bindings';
import type { Lang } from './i18n';

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

/** Bad rows the backend counted but did not list (it lists at most 200). */
export function unlistedErrors(report: ImportReport): number {
  return Math.max(0, report.error_count - report.errors.length);
}

/** A row error's message in the screen language. */
export function rowMessage(error: RowError, lang: Lang): string {
  return (lang === 'sv' ? error.message_sv : error.message) || error.message || error.message_sv;
}
