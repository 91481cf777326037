// A manager's change sent with a reason (the opening-hours forms): the reason typed, whether
// it is on its way, the backend's error or the confirmation. `ReasonSubmit` shows the reason
// field and the button, `ChangeOutcome` the error and the confirmation.

import type { ApiError } from './bindings';
import { inputError } from './validate';

export class ReasonedChange {
  reason = $state('');
  saving = $state(false);
  error = $state.raw<ApiError | null>(null);
  /** The confirmation of the last change sent. */
  done = $state('');
  /** The reason field, focused when the reason is missing. */
  reasonInput = $state.raw<HTMLInputElement>();

  /**
   * The form's submit: never a page load, and never twice at once. `check` looks at the form's
   * other fields first (its error is shown as is); a missing reason is refused with the reason
   * field focused. Then `send` gets the trimmed reason; on success the reason is emptied and
   * `onDone` (given `send`'s answer) says what to confirm. A failure keeps the backend's error.
   */
  async submit<T>(
    event: SubmitEvent,
    send: (reason: string) => Promise<T>,
    onDone: (result: T) => string,
    check?: () => ApiError | null,
  ): Promise<void> {
    event.preventDefault();
    if (this.saving) return;
    this.done = '';
    const invalid = check?.();
    if (invalid) {
      this.error = invalid;
      return;
    }
    if (!this.reason.trim()) {
      this.error = inputError('errReasonRequired');
      this.reasonInput?.focus();
      return;
    }
    this.saving = true;
    try {
      const result = await send(this.reason.trim());
      this.error = null;
      this.reason = '';
      this.done = onDone(result);
    } catch (failure) {
      this.error = failure as ApiError;
    } finally {
      this.saving = false;
    }
  }

  /** The form was filled anew (a preset): the last error and confirmation are gone. */
  clear(): void {
    this.error = null;
    this.done = '';
  }
}
