// Form submission shared by the pages.

/**
 * A submit handler that runs `fn(formData)` once at a time: the form's submit button is
 * disabled and marked busy until `fn` settles, so a double click never sends twice.
 */
export function withBusyButton(form, fn) {
  const button = form.querySelector('button[type="submit"]');
  return async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await fn(new FormData(form));
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  };
}

/**
 * Marks `input` as the field that is wrong (aria-invalid, focused) until it is next
 * edited; the words go to the status region, said by the caller.
 */
export function flagField(input) {
  input.setAttribute('aria-invalid', 'true');
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'), { once: true });
  input.focus();
}

/** Length in characters as the API counts them (code points, not UTF-16 units). */
export function charCount(text) {
  return [...text].length;
}
