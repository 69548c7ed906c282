// Signing in, as every page's sign-in form does it: what it asks for and what it says when
// that fails. What a page does with the answer (roles, its own view) stays with the page.

import { api, ApiError } from './api.js';

/**
 * Signs in with the e-mail and password of `form` (FormData). Resolves {login, email}, or
 * null once `say` has told the person why not.
 */
export async function signInWithForm(form, say) {
  const email = String(form.get('email') || '').trim();
  const password = String(form.get('password') || '');
  if (!email || !password) {
    say('Enter your e-mail and password to sign in.', 'error');
    return null;
  }
  try {
    return { login: await api.login(email, password), email };
  } catch (err) {
    if (!(err instanceof ApiError)) {
      console.error(err);
      say('Something went wrong in this page. Please reload and try again.', 'error');
    } else {
      say(`Could not sign in: ${err.detail}`, 'error');
    }
    return null;
  }
}
