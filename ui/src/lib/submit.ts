// The two ways a dialog's form is sent: Enter in one of its fields, or the form's own submit
// (the primary button). Both run the dialog's `submit`, never a page load.

/** A field's keydown handler: Enter runs `submit`, except while an IME is composing text. */
export function submitOnEnter(submit: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  };
}

/** A form's submit handler: the browser's submit is stopped and `submit` runs instead. */
export function submitForm(submit: () => void): (event: SubmitEvent) => void {
  return (event) => {
    event.preventDefault();
    submit();
  };
}
