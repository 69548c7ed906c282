// What the door says about one scanned code, in words: the answer of POST /checkin (or
// its problem) turned into a verdict the page draws large and a screen reader reads out.
// A verdict is {tone, word, title, lines}: tone 'admit' (green), 'refuse' (red) or 'retry'
// (no answer: nothing was decided); word the one-word call that never rests on colour.

import { formatShowTime, listNames } from '../format.js';

const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/;
const WHEN_OPTIONS = { dateStyle: 'medium', timeStyle: 'medium' };

/** "5 Dec 2026, 19:02:13": a moment at the door to the second, on the viewer's clock. */
export function formatMoment(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : new Intl.DateTimeFormat(undefined, WHEN_OPTIONS).format(t);
}

function seatLine(seats) {
  const names = (Array.isArray(seats) ? seats : []).map((s) => s.name);
  return `${names.length === 1 ? 'Seat' : 'Seats'} ${listNames(names)}`;
}

/**
 * The green verdict for a 200 answer: who, where they sit, what and when. The answer has
 * no time zone (the contract gives none), so the show's time is on the viewer's clock,
 * which at the door is the theatre's.
 */
export function admitVerdict(answer) {
  return {
    tone: 'admit',
    word: 'Admit',
    title: answer.name || 'Ticket holder',
    lines: [
      seatLine(answer.seats),
      answer.movie_title,
      [formatShowTime(answer.time, answer.timezone), answer.theatre].filter(Boolean).join(' · '),
      `Booking ${answer.booking_id}`,
    ].filter(Boolean),
  };
}

/**
 * When a ticket was first checked in: the problem's own `checked_in_at` if the server
 * sends one, else the first RFC 3339 time in its detail (where the contract puts it).
 */
export function firstCheckIn(problem, detail) {
  if (problem && typeof problem.checked_in_at === 'string') return problem.checked_in_at;
  const found = RFC3339.exec(detail || '');
  return found ? found[0] : null;
}

const refuse = (title, ...lines) => ({ tone: 'refuse', word: 'Do not admit', title, lines });

/**
 * The verdict for a failed check-in (an ApiError: status, code, detail, problem). A 401 or
 * 403 is the page's business (the session), not the ticket's, and is not judged here.
 */
export function refusalVerdict(err) {
  switch (err.code) {
    case 'already_checked_in': {
      const first = firstCheckIn(err.problem, err.detail);
      return refuse('Already checked in',
        first ? `First checked in ${formatMoment(first)}.` : err.detail,
        'This ticket has been used: it admits once.');
    }
    case 'booking_not_valid':
      return refuse('Not valid: booking cancelled',
        'This ticket belongs to a cancelled booking and admits nobody.');
    case 'ticket_not_found':
      return refuse('Ticket not found',
        'No ticket has this code. Check the code, or ask for the booking confirmation.');
    default:
      break;
  }
  if (err.status === 422 || err.status === 400) {
    return refuse('Not a ticket code', 'That is not a ticket code. Scan the QR code again.');
  }
  return {
    tone: 'retry',
    word: 'Not checked',
    title: 'No answer from the server',
    lines: [err.detail, 'The ticket was not checked in. Scan it again.'].filter(Boolean),
  };
}
