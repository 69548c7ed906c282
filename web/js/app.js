// The seat picker: page state, the flows (sign in, pick, hold, book, cancel, the waiting
// room) and rendering. Network details live in api.js, the seat grid in seatmap.js, the
// event stream in live_seats.js, the queue's rules in waiting_room.js.

import { api, ApiError, newIdempotencyKey, serverNow } from './api.js';
import { bookingTicket, showsTicket } from './booking_ticket.js';
import { formatRemaining, remainingMs, startTicker } from './countdown.js';
import { formatShowTime, listNames, plural } from './format.js';
import { clearField, flagField, withBusyButton } from './forms.js';
import { ShowEvents, applySeatChanges, lapseHolds, mergeGridRead } from './live_seats.js';
import { formatMoney } from './money.js';
import { watchSideways } from './scroll_hint.js';
import { SeatMap, seatState } from './seatmap.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { signInWithForm } from './sign_in.js';
import { statusRegion } from './status.js';
import { TicketImages } from './ticket_images.js';
import { describePlace, hasWaitingRoom, nextPlacePoll, placeNow } from './waiting_room.js';

// The grid is re-read every POLL_MS while the show's event stream is not open (as before
// there were events), and only every LIVE_POLL_MS while it is: a safety net, not the news.
const POLL_MS = 3000;
const LIVE_POLL_MS = 30_000;
// A failed read of one's place in the queue is tried again after this long.
const PLACE_RETRY_MS = 5000;
const PASSWORD_MIN_BYTES = 8;
const PASSWORD_MAX_BYTES = 72;

const $ = (id) => document.getElementById(id);

const el = {
  status: $('status'),
  authView: $('auth-view'),
  appView: $('app-view'),
  account: $('account'),
  accountName: $('account-name'),
  signOut: $('sign-out'),
  signInForm: $('sign-in-form'),
  registerForm: $('register-form'),
  movieSelect: $('movie-select'),
  showSelect: $('show-select'),
  tzHint: $('tz-hint'),
  movieInfo: $('movie-info'),
  seatSection: $('seat-section'),
  showInfo: $('show-info'),
  seatMap: $('seat-map'),
  seatMapFrame: $('seat-map-frame'),
  seatMapScroll: $('seat-map-scroll'),
  scrollHint: $('scroll-hint'),
  queuePanel: $('queue-panel'),
  queueText: $('queue-text'),
  queueCountdown: $('queue-countdown'),
  queueJoin: $('queue-join'),
  holds: $('holds'),
  holdsEmpty: $('holds-empty'),
  holdsTotal: $('holds-total'),
  bookButton: $('book-button'),
  bookings: $('bookings'),
  bookingsEmpty: $('bookings-empty'),
  bookingsRefresh: $('bookings-refresh'),
};

const state = {
  session: null, // {token, expiresAt, user}
  movies: [],
  shows: [],
  movieId: null,
  showId: null,
  seats: [], // grid of state.showId, as last read
  seatsRequest: 0, // sequence number: only the newest grid answer is shown
  seatsInFlight: 0,
  pending: new Set(), // seat ids with a hold/release in flight
  checkout: null, // {key, signature}: one Idempotency-Key per checkout attempt
  booking: false,
  bookings: [],
  pollTimer: 0,
  pollFailed: false,
  events: null, // ShowEvents of state.showId
  live: false, // its stream is open: changes arrive as events
  changeSeq: 0, // counts changes seen (events, our own answers, lapses)...
  seatChangedAt: new Map(), // ...and seat id -> the count at its latest change
  cancelled: new Set(), // show ids an event said were cancelled
  place: null, // the answer of GET/POST /shows/:id/queue for state.showId, or null
  placeSaid: '', // the place's status last announced, so each turn is said once
  placeTimer: 0,
};

const seatMap = new SeatMap(el.seatMap, (seat) => toggleSeat(seat));
const ticketImages = new TicketImages((bookingId) => api.ticketPng(bookingId, state.session.token));

// ---------------------------------------------------------------- status messages

const { say, clear: clearStatus } = statusRegion(el.status);

/** Reports a failed request in words; a 401 on a signed-in call ends the session. */
function report(err, prefix = '') {
  if (!(err instanceof ApiError)) {
    console.error(err);
    say('Something went wrong in this page. Please reload and try again.', 'error');
    return;
  }
  if (err.status === 401 && state.session) {
    endSession('Your session has ended. Please sign in again.');
    return;
  }
  say(prefix ? `${prefix} ${err.detail}` : err.detail, 'error');
}

// ---------------------------------------------------------------- session

function showAuth() {
  el.appView.hidden = true;
  el.account.hidden = true;
  el.authView.hidden = false;
}

function endSession(message) {
  stopLive(); // before stopPolling: closing a live stream would start the 3 s polls again
  stopPolling();
  stopPlace();
  clearSession();
  state.session = null;
  state.seats = [];
  state.pending.clear();
  state.checkout = null;
  state.bookings = [];
  ticketImages.clear();
  seatMap.clear();
  render(); // nothing of this person stays on the page for the next one
  renderBookings();
  showAuth();
  say(message, 'info');
  $('sign-in-email').focus();
}

async function enterApp(session, welcome) {
  state.session = session;
  el.authView.hidden = true;
  el.appView.hidden = false;
  el.account.hidden = false;
  el.accountName.textContent = session.user.name || session.user.email || 'you';
  if (welcome) say(welcome, 'success');
  await Promise.all([loadMovies(), refreshBookings()]);
  if (state.session !== session) return; // a 401 ended it meanwhile
  startPolling();
  // After signing in, the submit button that had focus is hidden: move on to the picker.
  if (welcome) el.movieSelect.focus();
}

async function signIn(form) {
  const signedIn = await signInWithForm(form, say);
  if (!signedIn) return;
  el.signInForm.reset();
  await enterApp(saveSession(signedIn.login), `Welcome back, ${signedIn.login.user.name}.`);
}

const registerFields = {
  name: $('register-name'),
  email: $('register-email'),
  password: $('register-password'),
};

/** The register field a refusal is about: the server names it in `detail` or by `code`. */
function registerFieldOf(err) {
  if (!(err instanceof ApiError)) return null;
  if (err.code === 'email_taken') return 'email';
  if (err.code !== 'validation_failed') return null;
  return Object.keys(registerFields).find((name) => err.detail.toLowerCase().includes(name)) || null;
}

/** Says why the account cannot be made, next to the field it is about and in the banner. */
function refuseRegister(field, message) {
  say(message, 'error');
  flagField(registerFields[field], message);
}

async function register(form) {
  Object.values(registerFields).forEach(clearField);
  const name = String(form.get('name') || '').trim();
  const email = String(form.get('email') || '').trim();
  const password = String(form.get('password') || '');
  const bytes = new TextEncoder().encode(password).length;
  if (!name) {
    refuseRegister('name', 'Enter your name.');
    return;
  }
  if (!email) {
    refuseRegister('email', 'Enter your e-mail address.');
    return;
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    refuseRegister('email', 'That e-mail address does not look right.');
    return;
  }
  if (bytes < PASSWORD_MIN_BYTES || bytes > PASSWORD_MAX_BYTES) {
    refuseRegister('password', `Choose a password of ${PASSWORD_MIN_BYTES} to ${PASSWORD_MAX_BYTES} characters.`);
    return;
  }
  try {
    await api.register(email, password, name);
  } catch (err) {
    const field = registerFieldOf(err);
    if (field) {
      refuseRegister(field, err.detail);
    } else {
      report(err, 'Could not create the account:');
    }
    return;
  }
  el.registerForm.reset();
  try {
    const login = await api.login(email, password);
    await enterApp(saveSession(login), `Your account is ready. Welcome, ${login.user.name}.`);
  } catch (err) {
    report(err, 'Your account is ready, but signing in failed:');
  }
}

// ---------------------------------------------------------------- movies and shows

function readSelection() {
  const params = new URLSearchParams(location.hash.slice(1));
  return { movie: Number(params.get('movie')) || null, show: Number(params.get('show')) || null };
}

function writeSelection() {
  const params = new URLSearchParams();
  if (state.movieId) params.set('movie', String(state.movieId));
  if (state.showId) params.set('show', String(state.showId));
  history.replaceState(null, '', `#${params}`);
}

function option(value, text) {
  const o = document.createElement('option');
  o.value = String(value);
  o.textContent = text;
  return o;
}

async function loadMovies() {
  try {
    state.movies = await api.movies();
  } catch (err) {
    report(err, 'Could not load the movies:');
    return;
  }
  el.movieSelect.replaceChildren(...state.movies.map((m) => option(m.id, m.title)));
  if (state.movies.length === 0) {
    el.movieInfo.textContent = 'No movies are showing right now.';
    return;
  }
  const wanted = readSelection();
  const movie = state.movies.find((m) => m.id === wanted.movie) || state.movies[0];
  el.movieSelect.value = String(movie.id);
  await selectMovie(movie.id, wanted.show);
}

function showHasStarted(show) {
  return show && Date.parse(show.time) <= serverNow();
}

async function selectMovie(movieId, preferredShowId = null) {
  state.movieId = movieId;
  const movie = state.movies.find((m) => m.id === movieId);
  el.movieInfo.textContent = movie
    ? [movie.rating, movie.duration_mins && `${movie.duration_mins} min`, movie.description]
      .filter(Boolean).join(' · ')
    : '';
  el.showSelect.disabled = true;
  try {
    state.shows = await api.shows(movieId);
  } catch (err) {
    report(err, 'Could not load the shows:');
    return;
  }
  if (state.movieId !== movieId) return; // another movie was picked meanwhile
  el.showSelect.replaceChildren(...state.shows.map((s) => option(s.id,
    `${formatShowTime(s.time, s.timezone)} · ${s.theatre}${showHasStarted(s) ? ' (started)' : ''}`)));
  el.showSelect.disabled = state.shows.length === 0;
  if (state.shows.length === 0) {
    el.showSelect.replaceChildren(option('', 'No shows scheduled'));
    selectShow(null);
    return;
  }
  const show = state.shows.find((s) => s.id === preferredShowId) ||
    state.shows.find((s) => !showHasStarted(s)) || state.shows[0];
  el.showSelect.value = String(show.id);
  selectShow(show.id);
}

function currentShow() {
  return state.shows.find((s) => s.id === state.showId) || null;
}

function selectShow(showId) {
  stopLive();
  stopPlace();
  state.showId = showId;
  state.seats = [];
  state.pending.clear();
  state.checkout = null;
  seatMap.clear();
  writeSelection();
  el.seatSection.hidden = !showId;
  render();
  if (!showId || !state.session) return;
  refreshSeats();
  if (!state.cancelled.has(showId)) listen(showId);
  if (hasWaitingRoom(currentShow())) loadPlace(showId);
}

function isCancelled(show) {
  return !!show && state.cancelled.has(show.id);
}

// ---------------------------------------------------------------- seats

/**
 * Re-reads the grid of the current show; an answer overtaken by a newer one is dropped, and
 * seats that changed while it was out keep their newer state.
 */
async function refreshSeats() {
  const showId = state.showId;
  if (!showId || !state.session || state.cancelled.has(showId)) return;
  const ticket = ++state.seatsRequest;
  const sentAt = state.changeSeq;
  state.seatsInFlight += 1;
  try {
    const seats = await api.seats(showId, state.session.token);
    if (ticket !== state.seatsRequest || showId !== state.showId) return;
    state.seats = mergeGridRead(seats, state.seats, (id) => (state.seatChangedAt.get(id) || 0) > sentAt);
    if (state.pollFailed) {
      state.pollFailed = false;
      say('Connection restored. The seat map is up to date.', 'info');
    }
    render();
  } catch (err) {
    if (ticket !== state.seatsRequest) return;
    if (err instanceof ApiError && err.status === 0) {
      if (!state.pollFailed) say(`${err.detail} The seat map may be out of date.`, 'error');
      state.pollFailed = true;
      return;
    }
    report(err, 'Could not load the seats:');
  } finally {
    state.seatsInFlight -= 1;
  }
}

/** The timer's refresh: skipped while a read is still out, so a slow server is not flooded. */
function pollSeats() {
  if (state.seatsInFlight === 0) refreshSeats();
}

function startPolling() {
  stopPolling();
  state.pollTimer = setInterval(pollSeats, state.live ? LIVE_POLL_MS : POLL_MS);
}

function stopPolling() {
  clearInterval(state.pollTimer);
  state.pollTimer = 0;
}

// ---------------------------------------------------------------- live seat events

/** Subscribes to the show's events; until the stream opens the grid is polled as before. */
function listen(showId) {
  state.events = new ShowEvents(showId, {
    onSeats: (changes) => {
      if (showId !== state.showId) return;
      changeSeats(changes.map((c) => c.id), (seats) => applySeatChanges(seats, changes));
      render();
    },
    onCancelled: () => showCancelled(showId),
    onLive: (live) => {
      if (showId !== state.showId) return;
      const was = state.live;
      state.live = live;
      el.seatSection.dataset.live = String(live);
      if (live !== was && state.session) startPolling();
      // Each opening (the first, or after a gap) re-reads the grid once: a new subscriber
      // hears only what happens after it subscribed.
      if (live) refreshSeats();
    },
  });
}

function stopLive() {
  if (state.events) state.events.close();
  state.events = null;
  state.seatChangedAt.clear();
  if (state.live) {
    state.live = false;
    if (state.session) startPolling();
  }
  el.seatSection.dataset.live = 'false';
}

/**
 * Applies `change` (grid -> grid) to the seats `ids`, noting that they changed now, so a
 * grid read sent earlier cannot undo it (see refreshSeats).
 */
function changeSeats(ids, change) {
  state.changeSeq += 1;
  for (const id of ids) state.seatChangedAt.set(id, state.changeSeq);
  state.seats = change(state.seats);
}

function showCancelled(showId) {
  state.cancelled.add(showId);
  const option = el.showSelect.querySelector(`option[value="${showId}"]`);
  if (option && !option.textContent.endsWith('(cancelled)')) option.textContent += ' (cancelled)';
  if (showId !== state.showId) return;
  stopLive();
  stopPlace();
  say('This show has been cancelled, so its seats can no longer be held or booked. ' +
    'Any booking you had for it is cancelled.', 'error');
  render();
  refreshBookings();
}

/** Turns holds whose time is up AVAILABLE (the server sends nothing for a lapse). */
function lapse() {
  const { lapsed } = lapseHolds(state.seats, serverNow());
  if (lapsed.length === 0) return;
  changeSeats(lapsed.map((s) => s.id), (seats) => lapseHolds(seats, serverNow()).seats);
  const mine = lapsed.filter((s) => s.held_by_me);
  if (mine.length === 0) return;
  const names = listNames(mine.map(seatName));
  say(`Your hold on ${names} has ended, so ${mine.length === 1 ? 'it is' : 'they are'} ` +
    'free for anyone again. Select a seat to hold it again.', 'info');
}

// ---------------------------------------------------------------- waiting room

/** On choosing a show with a waiting room: has this person a place in its queue already? */
async function loadPlace(showId) {
  try {
    setPlace(showId, await api.place(showId, state.session.token));
  } catch (err) {
    if (showId !== state.showId) return;
    if (err instanceof ApiError && err.code === 'not_in_queue') {
      render();
    } else {
      report(err, 'Could not read your place in the queue:');
    }
  }
}

async function joinQueue() {
  const showId = state.showId;
  if (!showId || !state.session || state.place) return;
  el.queueJoin.disabled = true;
  try {
    setPlace(showId, await api.joinQueue(showId, state.session.token));
  } catch (err) {
    report(err, 'Could not join the queue:');
  } finally {
    el.queueJoin.disabled = false;
  }
}

/** Asks for the place again when the design says to (waiting_room.js); retries a failure. */
async function pollPlace(showId) {
  try {
    setPlace(showId, await api.place(showId, state.session.token));
  } catch (err) {
    if (showId !== state.showId || !state.session) return;
    if (err instanceof ApiError && err.status === 401) {
      report(err);
      return;
    }
    state.placeTimer = setTimeout(() => pollPlace(showId), PLACE_RETRY_MS);
  }
}

/** `answer`: {place, askAgainMs} as api.place and api.joinQueue give it. */
function setPlace(showId, { place, askAgainMs }) {
  if (showId !== state.showId || !state.session) return;
  state.place = place;
  clearTimeout(state.placeTimer);
  const delay = nextPlacePoll(place, currentShow(), serverNow(), askAgainMs);
  if (delay !== null) state.placeTimer = setTimeout(() => pollPlace(showId), delay);
  announcePlace();
  render();
}

function stopPlace() {
  clearTimeout(state.placeTimer);
  state.placeTimer = 0;
  state.place = null;
  state.placeSaid = '';
}

/** Says each step of the queue once, as it happens: joined, your turn, turn over. */
function announcePlace() {
  const now = placeNow(state.place, serverNow());
  if (!now || now.status === state.placeSaid) return;
  const first = state.placeSaid === '';
  state.placeSaid = now.status;
  if (now.status === 'ADMITTED') {
    say('It is your turn: select seats to hold them, then book them.', 'success');
    refreshSeats();
  } else if (now.status === 'EXPIRED') {
    say('Your turn in the queue has ended, so you cannot hold more seats for this show. ' +
      'Seats you still hold can be booked until their hold runs out.', first ? 'info' : 'error');
  } else if (first) {
    say('You are in the queue for this show. This page tells you when it is your turn.', 'success');
  }
}

function seatName(seat) {
  return `Row ${seat.row}, seat ${seat.number}`;
}

/** Holds a free seat or releases one of ours; other seats only explain themselves. */
async function toggleSeat(seat) {
  if (state.pending.has(seat.id) || !state.session) return;
  if (showHasStarted(currentShow())) {
    say('This show has already started, so seats can no longer be held.', 'error');
    return;
  }
  if (isCancelled(currentShow())) {
    say('This show has been cancelled, so seats can no longer be held.', 'error');
    return;
  }
  const kind = seatState(seat);
  if (kind === 'sold') {
    say(`${seatName(seat)} is sold.`, 'info');
    return;
  }
  if (kind === 'others') {
    say(`${seatName(seat)} is held by someone else right now.`, 'info');
    return;
  }
  const releasing = kind === 'mine';
  state.pending.add(seat.id);
  render();
  let answered = false;
  try {
    if (releasing) {
      await api.release(seat.id, state.session.token);
      patchSeat(seat.id, { status: 'AVAILABLE', held_by_me: undefined, expires_at: undefined });
      say(`You let go of ${seatName(seat)}.`, 'info');
    } else {
      const hold = await api.hold(seat.id, state.session.token);
      patchSeat(seat.id, { status: 'LOCKED', held_by_me: true, expires_at: hold.expires_at });
      say(`${seatName(seat)} is held for you for ${formatRemaining(remainingMs(hold.expires_at))}.`,
        'success');
    }
    answered = true;
  } catch (err) {
    report(err, releasing ? 'Could not release the seat:' : 'Could not hold the seat:');
  } finally {
    state.pending.delete(seat.id);
    render();
    afterChange(answered);
  }
}

/** After a change of ours: re-read the grid, unless it went through and events tell us the rest. */
function afterChange(answered) {
  if (!answered || !state.live) refreshSeats();
}

/** Applies what a hold, release or booking answer told us until the next grid read confirms it. */
function patchSeat(seatId, fields) {
  changeSeats([seatId], (seats) => seats.map((s) => (s.id === seatId ? { ...s, ...fields } : s)));
}

/** The seats this person holds, in the grid's order (the theatre's rows as laid out). */
function mySeats() {
  return state.seats.filter((s) => seatState(s) === 'mine');
}

/** "$25.00" for `count` seats of `show`, or '' when the show carries no price. */
function priceOf(show, count) {
  return show ? formatMoney(show.price_cents * count, show.currency) : '';
}

// ---------------------------------------------------------------- booking

/**
 * Books every seat held in this show in one request. The Idempotency-Key is made once
 * per checkout attempt and reused only to retry the very same request after a network
 * failure, so a double click or a retry never buys twice.
 */
async function bookHeldSeats() {
  if (state.booking || !state.session) return;
  const seats = mySeats();
  if (seats.length === 0) return;
  const showId = state.showId;
  const seatIds = seats.map((s) => s.id).sort((a, b) => a - b);
  const signature = `${showId}:${seatIds.join(',')}`;
  if (!state.checkout || state.checkout.signature !== signature) {
    state.checkout = { key: newIdempotencyKey(), signature };
  }
  state.booking = true;
  render();
  say(`Booking ${plural(seats.length, 'seat')}…`, 'info');
  let answered = false;
  try {
    const booking = await api.book(showId, seatIds, state.checkout.key, state.session.token);
    answered = true;
    state.checkout = null;
    if (showId === state.showId) {
      for (const id of seatIds) patchSeat(id, { status: 'SOLD', held_by_me: undefined, expires_at: undefined });
    }
    const names = listNames(seats.map((s) => s.name));
    const total = formatMoney(booking.total_cents, booking.currency);
    say(`Booked ${names}${total ? ` for ${total}` : ''} (booking ${booking.booking_id}). ${booking.message || ''}`.trim(),
      'success');
    await refreshBookings();
  } catch (err) {
    // Same key again only when the outcome is unknown or still running.
    const unknown = err instanceof ApiError && (err.status === 0 || err.code === 'request_in_progress');
    if (!unknown) state.checkout = null;
    report(err, 'Could not book:');
  } finally {
    state.booking = false;
    render();
    afterChange(answered);
  }
}

// ---------------------------------------------------------------- my bookings

async function refreshBookings() {
  if (!state.session) return;
  try {
    state.bookings = await api.bookings(state.session.token);
    renderBookings();
  } catch (err) {
    report(err, 'Could not load your bookings:');
  }
}

async function cancelBooking(booking, button) {
  const names = listNames(booking.seats.map((s) => s.name));
  const question = `Cancel booking ${booking.booking_id} for ${booking.movie_title} ` +
    `(${formatShowTime(booking.time, booking.timezone)}, seats ${names})?`;
  if (!window.confirm(question)) return;
  button.disabled = true;
  let answered = false;
  try {
    await api.cancelBooking(booking.booking_id, state.session.token);
    answered = true;
    say(`Booking ${booking.booking_id} is cancelled. Seats ${names} are free again.`, 'success');
  } catch (err) {
    report(err, 'Could not cancel:');
  } finally {
    button.disabled = false;
    await refreshBookings();
    afterChange(answered);
  }
}

function renderBookings() {
  el.bookingsEmpty.hidden = state.bookings.length > 0;
  ticketImages.keepOnly(state.bookings.filter(showsTicket).map((b) => b.booking_id));
  el.bookings.replaceChildren(...state.bookings.map((b) => {
    const li = document.createElement('li');
    li.className = `booking booking-${String(b.status).toLowerCase()}${b.checked_in_at ? ' booking-used' : ''}`;
    li.dataset.bookingId = String(b.booking_id);

    const title = document.createElement('p');
    title.className = 'booking-title';
    const strong = document.createElement('strong');
    strong.textContent = b.movie_title;
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = b.status !== 'CONFIRMED' ? 'Cancelled'
      : b.checked_in_at ? 'Checked in' : 'Confirmed';
    title.append(strong, ' ', badge);

    const detail = document.createElement('p');
    detail.className = 'booking-detail';
    const seatNames = b.seats.map((s) => s.name);
    const total = formatMoney(b.total_cents, b.currency);
    detail.textContent = [formatShowTime(b.time, b.timezone), b.theatre,
      `${seatNames.length === 1 ? 'Seat' : 'Seats'} ${listNames(seatNames)}`, total,
      `Booking ${b.booking_id}`].filter(Boolean).join(' · ');
    li.append(title, detail);
    const ticket = bookingTicket(b, ticketImages);
    if (ticket) li.append(ticket);

    // A ticket used at the door cannot be cancelled any more (the server says 409 too).
    if (b.status === 'CONFIRMED' && !b.checked_in_at && Date.parse(b.time) > serverNow()) {
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.className = 'secondary';
      cancel.textContent = 'Cancel booking';
      cancel.setAttribute('aria-label',
        `Cancel booking ${b.booking_id}, ${b.movie_title}, seats ${listNames(seatNames)}`);
      cancel.addEventListener('click', () => cancelBooking(b, cancel));
      li.append(cancel);
    }
    return li;
  }));
}

// ---------------------------------------------------------------- rendering

function renderShowInfo(show) {
  if (!show) {
    el.showInfo.textContent = '';
    return;
  }
  const where = [show.theatre, show.location].filter(Boolean).join(', ');
  const price = priceOf(show, 1) && ` ${priceOf(show, 1)} a seat.`;
  const started = showHasStarted(show) ? ' This show has started; seats can no longer be held.' : '';
  const cancelled = isCancelled(show) ? ' This show has been cancelled.' : '';
  el.showInfo.textContent = `${formatShowTime(show.time, show.timezone)} at ${where}.${price}${started}${cancelled}`;
}

function renderPlace(show, closed) {
  el.queuePanel.hidden = !hasWaitingRoom(show) || closed;
  if (el.queuePanel.hidden) return;
  const words = describePlace(placeNow(state.place, serverNow()), show, serverNow());
  el.queueText.textContent = words.text;
  el.queueCountdown.textContent = words.countdown;
  el.queueCountdown.hidden = !words.countdown;
  el.queueJoin.hidden = !words.canJoin;
}

function renderHolds(mine) {
  el.holdsEmpty.hidden = mine.length > 0;
  const total = priceOf(currentShow(), mine.length);
  el.holdsTotal.hidden = mine.length === 0 || !total;
  el.holdsTotal.textContent = `Total for ${plural(mine.length, 'seat')}: ${total}`;
  const items = mine.map((seat) => {
    const li = document.createElement('li');
    li.dataset.seatId = String(seat.id);
    const name = document.createElement('span');
    name.className = 'hold-name';
    name.textContent = seatName(seat);
    const left = document.createElement('span');
    left.className = 'countdown';
    left.textContent = `${formatRemaining(remainingMs(seat.expires_at))} left`;
    const release = document.createElement('button');
    release.type = 'button';
    release.className = 'link-button';
    release.textContent = 'Release';
    release.setAttribute('aria-label', `Release ${seatName(seat)}`);
    release.disabled = state.pending.has(seat.id) || state.booking;
    release.addEventListener('click', () => toggleSeat(seat));
    li.append(name, left, release);
    return li;
  });
  // Rebuilding the list every second would steal focus from a Release button.
  const sameSeats = el.holds.children.length === items.length &&
    items.every((li, i) => el.holds.children[i].dataset.seatId === li.dataset.seatId);
  if (sameSeats) {
    items.forEach((li, i) => {
      const old = el.holds.children[i];
      old.querySelector('.countdown').textContent = li.querySelector('.countdown').textContent;
      old.querySelector('button').disabled = li.querySelector('button').disabled;
    });
  } else {
    el.holds.replaceChildren(...items);
  }
}

function renderBookButton(mine, started) {
  const b = el.bookButton;
  b.disabled = state.booking || mine.length === 0 || started;
  b.setAttribute('aria-busy', state.booking ? 'true' : 'false');
  b.textContent = state.booking ? 'Booking…'
    : mine.length ? `Book ${plural(mine.length, 'seat')}` : 'Book held seats';
}

function render() {
  const show = currentShow();
  const closed = showHasStarted(show) || isCancelled(show);
  renderShowInfo(show);
  renderPlace(show, closed);
  seatMap.update(state.seats, { pending: state.pending, locked: closed });
  const mine = mySeats();
  renderHolds(mine);
  renderBookButton(mine, closed);
}

/** Once a second: lapse the holds whose time is up, move the countdowns, say the queue's turns. */
function tick() {
  if (!state.session) return;
  if (state.session.expiresAt && Date.parse(state.session.expiresAt) <= Date.now()) {
    endSession('Your session has ended. Please sign in again.');
    return;
  }
  lapse();
  announcePlace();
  render();
}

// ---------------------------------------------------------------- start

function start() {
  el.tzHint.textContent = "(each in its theatre's time zone)";
  el.signInForm.addEventListener('submit', withBusyButton(el.signInForm, signIn));
  el.registerForm.addEventListener('submit', withBusyButton(el.registerForm, register));
  el.signOut.addEventListener('click', () => endSession('You have signed out.'));
  el.movieSelect.addEventListener('change', () => {
    clearStatus();
    selectMovie(Number(el.movieSelect.value));
  });
  el.showSelect.addEventListener('change', () => {
    clearStatus();
    selectShow(Number(el.showSelect.value) || null);
  });
  el.bookButton.addEventListener('click', bookHeldSeats);
  el.queueJoin.addEventListener('click', joinQueue);
  watchSideways(el.seatMapScroll, el.seatMapFrame, el.scrollHint);
  el.bookingsRefresh.addEventListener('click', refreshBookings);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refreshSeats();
  });
  startTicker(tick);

  const session = loadSession();
  if (session) {
    enterApp(session);
  } else {
    showAuth();
  }
}

start();
