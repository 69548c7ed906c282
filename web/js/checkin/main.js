// The door's check-in page: staff sign in, then every code typed (a handheld scanner types
// like a keyboard, Enter included) or seen by the camera is checked in, one at a time and
// in the order scanned, and answered large in green or red. Rules of the answer's words
// live in verdict.js; the camera in camera.js.

import { api, ApiError } from '../api.js';
import { withBusyButton } from '../forms.js';
import { clearSession, loadSession, saveSession } from '../session.js';
import { signInWithForm } from '../sign_in.js';
import { statusRegion } from '../status.js';
import { normalizeCode } from '../ticket_code.js';
import { cameraErrorMessage, cameraScanningSupported, createCamera } from './camera.js';
import { repeatFilter } from './repeat_filter.js';
import { admitVerdict, refusalVerdict } from './verdict.js';
import { clearVerdict, showVerdict } from './verdict_view.js';

// A code the camera keeps seeing counts once; out of sight this long, it counts again.
const CAMERA_QUIET_MS = 3000;
const CHECKING_ROLES = new Set(['staff', 'admin']);

const $ = (id) => document.getElementById(id);

const el = {
  status: $('status'),
  authView: $('auth-view'),
  scanView: $('scan-view'),
  account: $('account'),
  accountName: $('account-name'),
  signOut: $('sign-out'),
  signInForm: $('sign-in-form'),
  signInEmail: $('sign-in-email'),
  scanForm: $('scan-form'),
  code: $('code'),
  pending: $('pending'),
  camera: $('camera'),
  cameraToggle: $('camera-toggle'),
  cameraView: $('camera-view'),
  cameraVideo: $('camera-video'),
  verdict: $('verdict'),
};

let session = null;
let queue = Promise.resolve(); // check-ins run one after another, answered in scan order
let waiting = 0;
const { say, clear: clearStatus } = statusRegion(el.status);
const camera = createCamera(el.cameraVideo, cameraSaw);
const freshSighting = repeatFilter(CAMERA_QUIET_MS);

/** "… cannot check tickets in", naming the account and how an operator changes that. */
function notStaffMessage(user) {
  const who = user.email || user.name || 'This account';
  return `${who} is not a staff or admin account, so it cannot check tickets in. ` +
    `An operator can make it one with: scripts/stack role ${user.email || 'EMAIL'} staff`;
}

// ---------------------------------------------------------------- session

function showAuth() {
  el.scanView.hidden = true;
  el.account.hidden = true;
  el.authView.hidden = false;
}

function endSession(message, kind = 'info') {
  stopCamera();
  clearSession();
  session = null;
  clearVerdict(el.verdict); // the next person at this device sees nobody's ticket
  showAuth();
  say(message, kind);
  el.signInEmail.focus();
}

function enterScan(s, welcome) {
  session = s;
  el.accountName.textContent = s.user.name || s.user.email || 'you';
  el.authView.hidden = true;
  el.scanView.hidden = false;
  el.account.hidden = false;
  if (welcome) say(welcome, 'success');
  el.code.focus();
}

/**
 * The login answer names the role; a customer is told at once rather than at the first
 * ticket. The server still decides on every check-in (a 403 then ends the session), so a
 * role taken away meanwhile, or an answer without a role, is caught there.
 */
async function signIn(form) {
  const signedIn = await signInWithForm(form, say);
  if (!signedIn) return;
  const { login, email } = signedIn;
  const user = { email, ...login.user };
  if (user.role && !CHECKING_ROLES.has(user.role)) {
    el.signInForm.querySelector('#sign-in-password').value = '';
    say(notStaffMessage(user), 'error');
    el.signInEmail.focus();
    return;
  }
  el.signInForm.reset();
  enterScan(saveSession({ ...login, user }), `Signed in as ${user.name || email}. Ready to scan.`);
}

// ---------------------------------------------------------------- checking in

function setPending(delta) {
  waiting += delta;
  el.pending.textContent = waiting > 0 ? `Checking ${waiting === 1 ? 'a ticket' : `${waiting} tickets`}…` : '';
  el.verdict.setAttribute('aria-busy', waiting > 0 ? 'true' : 'false');
}

/** Checks one code in and shows the answer; a 401 or 403 ends the session instead. */
async function checkIn(code) {
  const s = session;
  if (!s) return;
  try {
    const answer = await api.checkIn(code, s.token);
    if (session === s) showVerdict(el.verdict, admitVerdict(answer), code);
  } catch (err) {
    if (session !== s) return;
    if (!(err instanceof ApiError)) {
      console.error(err);
      say('Something went wrong in this page. Please reload and try again.', 'error');
    } else if (err.status === 401) {
      endSession('Your session has ended. Please sign in again.');
    } else if (err.status === 403) {
      endSession(notStaffMessage(s.user), 'error');
    } else {
      showVerdict(el.verdict, refusalVerdict(err), code);
    }
  }
}

function enqueue(code) {
  setPending(+1);
  queue = queue.then(() => checkIn(code)).finally(() => {
    setPending(-1);
    // Wherever focus went meanwhile, the scanner's next keystrokes belong in the field.
    if (session) el.code.focus();
  });
}

/**
 * Enter in the code field. The field is emptied at once (not after the answer), so a
 * scanner that reads the next ticket while this one is checked types into an empty field.
 */
function submitCode(event) {
  event.preventDefault();
  const code = normalizeCode(el.code.value);
  el.code.value = '';
  el.code.focus();
  if (!code) {
    say('Scan a ticket, or type its code, then press Enter.', 'info');
    return;
  }
  clearStatus();
  enqueue(code);
}

// ---------------------------------------------------------------- camera

function cameraSaw(rawValue) {
  if (!session || !freshSighting(rawValue, Date.now())) return;
  const code = normalizeCode(rawValue);
  if (code) enqueue(code);
}

function stopCamera() {
  camera.stop();
  el.cameraView.hidden = true;
  el.cameraToggle.textContent = 'Scan with the camera';
  el.cameraToggle.setAttribute('aria-pressed', 'false');
}

async function toggleCamera() {
  if (camera.running()) {
    stopCamera();
    say('The camera is off.', 'info');
    el.code.focus();
    return;
  }
  el.cameraToggle.disabled = true;
  try {
    el.cameraView.hidden = false;
    await camera.start();
    el.cameraToggle.textContent = 'Stop the camera';
    el.cameraToggle.setAttribute('aria-pressed', 'true');
    say('The camera is on. Hold a ticket\'s QR code in front of it.', 'info');
  } catch (err) {
    stopCamera();
    say(cameraErrorMessage(err), 'error');
  } finally {
    el.cameraToggle.disabled = false;
  }
}

/** Offers the camera only where the browser can read QR codes from it. */
async function offerCamera() {
  if (!(await cameraScanningSupported())) return;
  el.camera.hidden = false;
  el.cameraToggle.setAttribute('aria-pressed', 'false');
  el.cameraToggle.addEventListener('click', toggleCamera);
  // A camera left on in a background tab would keep its light on for nothing.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && camera.running()) stopCamera();
  });
}

// ---------------------------------------------------------------- start

function start() {
  el.signInForm.addEventListener('submit', withBusyButton(el.signInForm, signIn));
  el.signOut.addEventListener('click', () => endSession('You have signed out.'));
  el.scanForm.addEventListener('submit', submitCode);
  offerCamera();
  const s = loadSession(); // shared with the other pages of this site, in this tab
  if (s && !(s.user.role && !CHECKING_ROLES.has(s.user.role))) {
    enterScan(s);
  } else {
    showAuth();
    if (s) say(notStaffMessage(s.user), 'error');
    el.signInEmail.focus();
  }
}

start();
