// Live seat changes: the show's event stream (GET /api/v1/shows/:id/events, Server-Sent
// Events that nginx serves), applied to the grid the page last read, and holds that lapse
// by the clock (the server sends nothing for a lapse).

/** One event's data as {seats: [...]} or {cancelled: true}; null for anything else. */
export function parseSeatEvent(data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch {
    return null;
  }
  if (!event || typeof event !== 'object') return null;
  if (event.show === 'CANCELLED') return { cancelled: true };
  if (!Array.isArray(event.seats)) return null;
  const seats = event.seats.filter((s) => s && Number.isInteger(s.id) &&
    ['AVAILABLE', 'LOCKED', 'SOLD'].includes(s.status));
  return { seats };
}

const sameTime = (a, b) => Date.parse(a) === Date.parse(b);

/** `seat` without what only a hold has (held_by_me, expires_at). */
function withoutHold(seat) {
  const { held_by_me: _mine, expires_at: _until, ...rest } = seat;
  return rest;
}

/**
 * `seats` (the grid) with `changes` ({id, status, expires_at}) applied. An event never says
 * whose hold it is: a LOCKED seat stays ours only when it is the very hold we already have
 * (our own hold's event, which may come after the lock's answer, has its expires_at).
 */
export function applySeatChanges(seats, changes) {
  const byId = new Map(changes.map((c) => [c.id, c]));
  return seats.map((seat) => {
    const change = byId.get(seat.id);
    if (!change) return seat;
    if (change.status !== 'LOCKED') return { ...withoutHold(seat), status: change.status };
    const ours = seat.held_by_me && seat.status === 'LOCKED' && sameTime(seat.expires_at, change.expires_at);
    return { ...withoutHold(seat), status: 'LOCKED', expires_at: change.expires_at,
      ...(ours && { held_by_me: true }) };
  });
}

/**
 * {seats, lapsed}: `seats` with every hold whose expires_at has passed by `now` (ms) turned
 * AVAILABLE, and the seats that lapsed just now (as they were). The same array comes back
 * when nothing lapsed, so a caller can skip redrawing.
 */
export function lapseHolds(seats, now) {
  const lapsed = seats.filter((s) => s.status === 'LOCKED' && s.expires_at &&
    Date.parse(s.expires_at) <= now);
  if (lapsed.length === 0) return { seats, lapsed };
  const gone = new Set(lapsed.map((s) => s.id));
  return {
    seats: seats.map((s) => (gone.has(s.id) ? { ...withoutHold(s), status: 'AVAILABLE' } : s)),
    lapsed,
  };
}

/**
 * A grid read (`fresh`) merged with the grid on screen (`current`): a seat an event changed
 * after the read was sent (`changedSince(id)`) keeps what the event said, because the read's
 * answer may be older than the event.
 */
export function mergeGridRead(fresh, current, changedSince) {
  const now = new Map(current.map((s) => [s.id, s]));
  return fresh.map((s) => (changedSince(s.id) && now.has(s.id) ? now.get(s.id) : s));
}

// EventSource retries by itself after a dropped connection, but gives up for good on an
// answer that is not a stream (a 404, a 502 while nginx restarts): then we try again, less
// and less often.
const REOPEN_FIRST_MS = 5000;
const REOPEN_MAX_MS = 60_000;

/**
 * The event stream of one show. Calls onSeats(changes) for each seat event, onCancelled()
 * once the show is cancelled (and stops listening), and onLive(live) when the stream opens
 * (live true: the caller re-reads the grid, since what happened before is not replayed
 * unless EventSource could resume) or breaks (live false: the caller polls faster).
 */
export class ShowEvents {
  constructor(showId, { onSeats, onCancelled, onLive }) {
    this.url = `/api/v1/shows/${showId}/events`;
    this.handlers = { onSeats, onCancelled, onLive };
    this.source = null;
    this.reopenMs = REOPEN_FIRST_MS;
    this.reopenTimer = 0;
    this.open();
  }

  open() {
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener('open', () => {
      if (this.source !== source) return;
      this.reopenMs = REOPEN_FIRST_MS;
      this.handlers.onLive(true);
    });
    source.addEventListener('message', (message) => {
      const event = parseSeatEvent(message.data);
      if (!event) return;
      if (event.cancelled) {
        this.close();
        this.handlers.onCancelled();
      } else if (event.seats.length) {
        this.handlers.onSeats(event.seats);
      }
    });
    source.addEventListener('error', () => {
      if (this.source !== source) return;
      this.handlers.onLive(false);
      if (source.readyState === EventSource.CLOSED) {
        this.reopenTimer = setTimeout(() => this.open(), this.reopenMs);
        this.reopenMs = Math.min(REOPEN_MAX_MS, this.reopenMs * 2);
      }
    });
  }

  close() {
    clearTimeout(this.reopenTimer);
    if (this.source) this.source.close();
    this.source = null;
  }
}
