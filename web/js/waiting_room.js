// The waiting room of a show with queue_rate > 0 (POST/GET /api/v1/shows/:id/queue): when
// the page asks for the caller's place again, and the words for where they stand. Pure:
// times are passed in (ms since the epoch, by the server's clock), so node tests run it.

import { formatRemaining } from './countdown.js';

// Everyone who joined before the sale is told in the answer's Retry-After when to ask
// again (near their own turn); asks are spread over this long after it, so that those told
// the same second do not all arrive in the same millisecond.
export const ASK_AGAIN_SPREAD_MS = 1000;
// Without a Retry-After (an older server), they ask at on_sale_at plus up to this much.
export const PRE_QUEUE_SPREAD_MS = 5000;
// A place far down the queue is asked for again at least this often.
export const WAITING_POLL_MAX_MS = 30_000;
// Never sooner than this, even when our clock says the turn is already due (it may run a
// little ahead of the server's: api.js corrects only differences above 2 s).
export const POLL_MIN_MS = 1000;

export function hasWaitingRoom(show) {
  return !!show && show.queue_rate > 0;
}

/**
 * Milliseconds from `now` until the place is asked for again, or null to stop: PRE_QUEUE
 * when the answer's Retry-After (`askAgainMs`) says, plus a random 0-1 s (without one, at
 * on_sale_at plus a random 0-5 s), WAITING at admit_at (at most 30 s away), ADMITTED and
 * EXPIRED never (the turn's end is known, and after it there is nothing to wait for).
 */
export function nextPlacePoll(place, show, now, askAgainMs = null, random = Math.random) {
  if (!place) return null;
  if (place.status === 'PRE_QUEUE') {
    if (Number.isFinite(askAgainMs)) {
      return Math.max(POLL_MIN_MS, askAgainMs + random() * ASK_AGAIN_SPREAD_MS);
    }
    const untilSale = Math.max(0, Date.parse(show.on_sale_at) - now);
    return Math.max(POLL_MIN_MS, untilSale + random() * PRE_QUEUE_SPREAD_MS);
  }
  if (place.status === 'WAITING') {
    const untilTurn = Date.parse(place.admit_at) - now;
    return Math.min(WAITING_POLL_MAX_MS, Math.max(POLL_MIN_MS, untilTurn));
  }
  return null;
}

/** The place as the clock says now: an ADMITTED place whose admitted_until has passed is EXPIRED. */
export function placeNow(place, now) {
  if (place && place.status === 'ADMITTED' && Date.parse(place.admitted_until) <= now) {
    return { ...place, status: 'EXPIRED' };
  }
  return place;
}

const until = (iso, now) => formatRemaining(Math.max(0, Date.parse(iso) - now));

/**
 * {text, countdown, canJoin}: what the waiting-room panel says for `place` (null: not
 * joined) of `show` at `now`, and whether it offers to join.
 */
export function describePlace(place, show, now) {
  const beforeSale = Date.parse(show.on_sale_at) > now;
  const saleIn = beforeSale ? `The sale opens in ${until(show.on_sale_at, now)}.` : '';
  if (!place) {
    return {
      text: beforeSale
        ? 'Seats for this show are sold through a waiting room. Everyone who joins before ' +
          'the sale opens gets a place drawn at random, so there is no need to rush.'
        : 'Seats for this show are sold through a waiting room: join the queue to get your ' +
          'turn to pick seats.',
      countdown: saleIn,
      canJoin: true,
    };
  }
  switch (place.status) {
    case 'PRE_QUEUE':
      return {
        text: 'You are in the queue. Your place is drawn at random when the sale opens.',
        countdown: saleIn || 'The sale is opening: your place is being drawn.',
        canJoin: false,
      };
    case 'WAITING':
      return {
        text: `You are number ${place.position} in the queue.`,
        countdown: Date.parse(place.admit_at) > now
          ? `Your turn comes in ${until(place.admit_at, now)}.`
          : 'Your turn is coming up now.',
        canJoin: false,
      };
    case 'ADMITTED':
      return {
        text: 'It is your turn: select seats to hold them, then book them.',
        countdown: `Your turn ends in ${until(place.admitted_until, now)}.`,
        canJoin: false,
      };
    default:
      return {
        text: 'Your turn has ended: you cannot hold more seats for this show. Seats you ' +
          'still hold can be booked until their hold runs out.',
        countdown: '',
        canJoin: false,
      };
  }
}
