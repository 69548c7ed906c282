// The signed-in session lives in sessionStorage: it survives a reload of this tab and
// ends when the tab closes.

const KEY = 'seats.session';

/** Returns {token, expiresAt, user} or null when nobody is signed in (or the token lapsed). */
export function loadSession() {
  let raw;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const session = JSON.parse(raw);
    if (!session || typeof session.token !== 'string' || !session.user) return null;
    if (session.expiresAt && Date.parse(session.expiresAt) <= Date.now()) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    clearSession();
    return null;
  }
}

/** Stores the answer of POST /login. */
export function saveSession(login) {
  const session = { token: login.token, expiresAt: login.expires_at, user: login.user };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Private modes may refuse storage; the session then lasts until reload.
  }
  return session;
}

export function clearSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}
