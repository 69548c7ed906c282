// A thin fetch wrapper for /api/v1. Every failure becomes an ApiError that carries
// the problem+json `code` and a sentence a person can read; callers never see JSON.

const BASE = '/api/v1';

/** An API or network failure, already turned into words. */
export class ApiError extends Error {
  constructor(status, code, detail, problem = {}) {
    super(detail);
    this.name = 'ApiError';
    this.status = status; // 0 for a network failure
    this.code = code;
    this.detail = detail;
    this.problem = problem; // the whole problem+json body, for extension members
  }
}

// Words for answers that carry no usable problem+json detail (a proxy page, a network error).
const FALLBACK_BY_STATUS = {
  0: 'Could not reach the server. Check your connection and try again.',
  400: 'The server could not understand that request.',
  401: 'Please sign in again.',
  404: 'That could not be found.',
  409: 'That conflicts with what someone else just did. The seat map has been refreshed.',
  413: 'That request was too large.',
  422: 'Some of the details were not valid.',
  429: 'Too many requests right now. Wait a moment and try again.',
  500: 'Something went wrong on our side. Please try again.',
  502: 'The service is not answering right now. Please try again shortly.',
  503: 'The service is temporarily unavailable. Please try again shortly.',
  504: 'The service took too long to answer. Please try again.',
};

function fallbackMessage(status) {
  return FALLBACK_BY_STATUS[status] ||
    (status >= 500 ? FALLBACK_BY_STATUS[500] : 'The request failed.');
}

// Difference between the server's clock and ours, learnt from the Date header. Holds
// expire by the database's clock, so countdowns are computed against server time.
let clockSkewMs = 0;

/** The current time as the server sees it, in ms since the epoch. */
export function serverNow() {
  return Date.now() + clockSkewMs;
}

function learnClock(response) {
  const header = response.headers.get('Date');
  if (!header) return;
  const serverMs = Date.parse(header);
  if (Number.isNaN(serverMs)) return;
  const skew = serverMs - Date.now();
  // The header has one-second resolution: only trust a difference clearly beyond that.
  clockSkewMs = Math.abs(skew) > 2000 ? skew : 0;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Sends one request and answers the raw 2xx Response, or rejects with an ApiError made
 * from the problem+json body. `token` adds the Bearer header; `body` is sent as JSON;
 * `headers` adds more (e.g. Idempotency-Key).
 */
async function send(method, path, { token, body, headers = {}, signal, accept = '*/*' } = {}) {
  const init = { method, headers: { Accept: accept, ...headers }, signal };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(BASE + path, init);
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', fallbackMessage(0));
  }
  learnClock(response);
  if (response.ok) return response;

  const data = await readBody(response);
  const problem = data && typeof data === 'object' ? data : {};
  const detail = typeof problem.detail === 'string' && problem.detail.trim()
    ? problem.detail.trim()
    : fallbackMessage(response.status);
  const code = typeof problem.code === 'string' ? problem.code : `http_${response.status}`;
  throw new ApiError(response.status, code, detail, problem);
}

/**
 * Sends one request (options as for send). Resolves with the parsed JSON body of a 2xx
 * answer, or rejects with an ApiError.
 */
export async function request(method, path, options = {}) {
  const response = await send(method, path, { ...options, accept: 'application/json' });
  return readBody(response);
}

/**
 * A place in a show's waiting room: {place, askAgainMs}, the parsed answer and its
 * Retry-After in ms (null without one), which says when to ask for the place again.
 */
async function requestPlace(method, path, options) {
  const response = await send(method, path, { ...options, accept: 'application/json' });
  const place = await readBody(response);
  const header = response.headers.get('Retry-After');
  const seconds = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  return { place, askAgainMs: seconds === null ? null : seconds * 1000 };
}

/**
 * Resolves with the body of a 2xx answer as a Blob (an image the page shows through an
 * object URL: an <img src> could not send the Bearer header), or rejects with an ApiError.
 */
export async function requestBlob(path, { token, accept = '*/*', signal } = {}) {
  // Errors still come as problem+json, so the ApiError keeps its words.
  const response = await send('GET', path,
    { token, signal, accept: `${accept}, application/problem+json;q=0.5` });
  try {
    return await response.blob();
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', fallbackMessage(0));
  }
}

// The endpoints the page uses, named after what they do.
export const api = {
  register: (email, password, name) =>
    request('POST', '/register', { body: { email, password, name } }),
  login: (email, password) => request('POST', '/login', { body: { email, password } }),
  movies: () => request('GET', '/movies'),
  shows: (movieId) => request('GET', `/movies/${movieId}/shows`),
  seats: (showId, token) => request('GET', `/shows/${showId}/seats`, { token }),
  hold: (seatId, token) => request('PATCH', `/seats/${seatId}/lock`, { token }),
  release: (seatId, token) => request('DELETE', `/seats/${seatId}/lock`, { token }),
  book: (showId, seatIds, idempotencyKey, token) =>
    request('POST', '/bookings', {
      token,
      body: { show_id: showId, seat_ids: seatIds },
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  joinQueue: (showId, token) => requestPlace('POST', `/shows/${showId}/queue`, { token }),
  place: (showId, token) => requestPlace('GET', `/shows/${showId}/queue`, { token }),
  bookings: (token) => request('GET', '/bookings', { token }),
  cancelBooking: (bookingId, token) => request('DELETE', `/bookings/${bookingId}`, { token }),
  ticketPng: (bookingId, token) =>
    requestBlob(`/bookings/${bookingId}/ticket.png`, { token, accept: 'image/png' }),
  checkIn: (code, token) => request('POST', '/checkin', { token, body: { code } }),
};

/** A fresh idempotency key; falls back to getRandomValues outside secure contexts. */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
