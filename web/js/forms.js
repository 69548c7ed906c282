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
 * edited. With `message`, the words also stand right under the field and are its
 * description (aria-describedby), so a screen reader says them on focus; without, the
 * caller says them in the status region.
 */
export function flagField(input, message) {
  input.setAttribute('aria-invalid', 'true');
  const note = message ? fieldNote(input) : null;
  if (note) {
    note.textContent = message;
    note.hidden = false;
  }
  input.addEventListener('input', () => clearField(input), { once: true });
  input.focus();
}

/** Takes back what flagField said about `input`. */
export function clearField(input) {
  input.removeAttribute('aria-invalid');
  const note = document.getElementById(`${input.id}-error`);
  if (note) note.hidden = true;
}

/** The field's message element (made once, right after it) and linked as its description. */
function fieldNote(input) {
  const id = `${input.id}-error`;
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement('p');
    note.id = id;
    note.className = 'field-error';
    input.after(note);
  }
  const described = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  if (!described.includes(id)) input.setAttribute('aria-describedby', [...described, id].join(' '));
  return note;
}

/** Length in characters as the API counts them (code points, not UTF-16 units). */
export function charCount(text) {
  return [...text].length;
}
