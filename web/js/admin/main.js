// The admin page: signing in, the one status region, and the wiring between its sections
// (a new movie or theatre appears in the show form at once, every change reloads the
// audit trail). Each section lives in its own module.

import { ApiError } from '../api.js';
import { flagField, withBusyButton } from '../forms.js';
import { clearSession, loadSession, saveSession } from '../session.js';
import { signInWithForm } from '../sign_in.js';
import { statusRegion } from '../status.js';
import { adminApi } from './admin_api.js';
import { createAudit } from './audit.js';
import { createMovies } from './movies.js';
import { createShowForm } from './show_form.js';
import { createShowList } from './show_list.js';
import { createTheatres } from './theatres.js';

const $ = (id) => document.getElementById(id);

const el = {
  status: $('status'),
  authView: $('auth-view'),
  adminView: $('admin-view'),
  nav: $('admin-nav'),
  account: $('account'),
  accountName: $('account-name'),
  signOut: $('sign-out'),
  signInForm: $('sign-in-form'),
  signInEmail: $('sign-in-email'),
};

let session = null;
const { say } = statusRegion(el.status);

/**
 * Says what went wrong. A 401 ends the session; a 403 means this account is not (or no
 * longer: the role is read on every request) an admin, and the page says so and how to
 * become one.
 */
function report(err, prefix = '') {
  if (!(err instanceof ApiError)) {
    console.error(err);
    say('Something went wrong in this page. Please reload and try again.', 'error');
    return;
  }
  // Admin requests still out when the session ended answer so too: the first one said it.
  if (!session && (err.code === 'unauthorized' || err.code === 'forbidden')) return;
  if (err.status === 401 && session) {
    endSession('Your session has ended. Please sign in again.');
    return;
  }
  if (err.status === 403 && session) {
    const who = session.user.email || session.user.name || 'you';
    endSession(`The account of ${who} is not an admin, so it cannot use this page. ` +
      `An operator can make it one with: scripts/stack role ${session.user.email || 'EMAIL'} admin`,
    'error');
    return;
  }
  say(prefix ? `${prefix} ${err.detail}` : err.detail, 'error');
}

/** Says why a form cannot be sent and marks the field; null, for `return refuse(...)`. */
function refuse(field, message) {
  say(message, 'error');
  flagField(field);
  return null;
}

const admin = adminApi(() => session?.token);
const ctx = { api: admin, say, report, refuse, changed };

const audit = createAudit(ctx, () => session?.user?.id);
const showList = createShowList(ctx);
const showForm = createShowForm(ctx);
const movies = createMovies(ctx);
const theatres = createTheatres(ctx);

/** After an admin write of `kind` ('movie', 'theatre', 'show'): refresh what shows it. */
function changed(kind) {
  if (kind === 'movie') {
    showForm.setMovies(movies.list());
    showList.setMovies(movies.list());
  }
  if (kind === 'theatre') showForm.setTheatres(theatres.list());
  if (kind === 'movie' || kind === 'show') {
    showList.load().then(() => showForm.setCurrency(showList.currency()));
  }
  audit.load();
}

// ---------------------------------------------------------------- session

function showAuth() {
  el.adminView.hidden = true;
  el.nav.hidden = true;
  el.account.hidden = true;
  el.authView.hidden = false;
}

function endSession(message, kind = 'info') {
  showList.stop();
  clearSession();
  session = null;
  showAuth();
  say(message, kind);
  el.signInEmail.focus();
}

/**
 * Opens the admin view for `s`. The shows list is asked for first: its 403 is the
 * server's word on whether this account is an admin, before anything else is drawn.
 */
async function enterAdmin(s, welcome) {
  session = s;
  el.accountName.textContent = s.user.name || s.user.email || 'you';
  if (!(await showList.load())) {
    if (session === s) showAuth(); // e.g. the server is away: let the person try again
    return;
  }
  if (session !== s) return;
  el.authView.hidden = true;
  el.adminView.hidden = false;
  el.nav.hidden = false;
  el.account.hidden = false;
  if (welcome) say(welcome, 'success');
  await Promise.all([movies.load(), theatres.load(), audit.load()]);
  if (session !== s) return;
  showForm.setMovies(movies.list());
  showForm.setTheatres(theatres.list());
  showForm.setCurrency(showList.currency());
  showList.setMovies(movies.list());
  showList.start();
  if (welcome) $('shows-heading').focus();
}

async function signIn(form) {
  const signedIn = await signInWithForm(form, say);
  if (!signedIn) return;
  const { login, email } = signedIn;
  el.signInForm.reset();
  // The login answer names the user; the e-mail is kept for the "not an admin" message.
  const s = saveSession({ ...login, user: { email, ...login.user } });
  await enterAdmin(s, `Signed in as ${login.user.name}.`);
}

function start() {
  el.signInForm.addEventListener('submit', withBusyButton(el.signInForm, signIn));
  el.signOut.addEventListener('click', () => endSession('You have signed out.'));
  const s = loadSession();
  if (s) {
    enterAdmin(s);
  } else {
    showAuth();
  }
}

start();
