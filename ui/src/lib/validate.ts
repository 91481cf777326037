// Checks the UI makes before a staff command (the backend checks again).

import type { ApiError } from './bindings';
import { translate, type MessageKey } from './i18n';

export const PIN_PATTERN = /^\d{4,8}$/;

export function isValidPin(pin: string): boolean {
  return PIN_PATTERN.test(pin);
}

/** A UI-side validation message in both languages, shown like a backend error. */
export function inputError(key: MessageKey): ApiError {
  return { code: 'invalid_input', message: translate('en', key), message_sv: translate('sv', key) };
}
