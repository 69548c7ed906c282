// The seat map: one <button> per seat, grouped by row, built once per show and then
// updated in place so keyboard focus survives every refresh.

import { formatRemaining, remainingMs } from './countdown.js';
import { applyLayout } from './seat_layout.js';

/** How a seat looks to this person: 'available' | 'mine' | 'others' | 'sold'. */
export function seatState(seat) {
  if (seat.status === 'SOLD') return 'sold';
  if (seat.status === 'LOCKED') return seat.held_by_me ? 'mine' : 'others';
  return 'available';
}

/** The words a screen reader says for a seat, e.g. "Row C, seat 7, held by you, 4:32 left". */
export function seatLabel(seat, { pending = false } = {}) {
  const where = `Row ${seat.row}, seat ${seat.number}`;
  let what;
  switch (seatState(seat)) {
    case 'sold': what = 'sold'; break;
    case 'others': what = 'held by someone else'; break;
    case 'mine': what = `held by you, ${formatRemaining(remainingMs(seat.expires_at))} left`; break;
    default: what = 'available';
  }
  return pending ? `${where}, ${what}, updating` : `${where}, ${what}`;
}

function setAttr(el, name, value) {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

export class SeatMap {
  /**
   * @param {HTMLElement} container where the rows go
   * @param {(seat) => void} onToggle called when a person picks a seat, whatever its state
   */
  constructor(container, onToggle) {
    this.container = container;
    this.onToggle = onToggle;
    this.buttons = new Map(); // seat id -> button
    this.seats = new Map(); // seat id -> latest seat object
    this.layoutKey = '';
    this.activeId = null; // the one seat reachable by Tab (roving tabindex)
    container.addEventListener('click', (event) => this.handleClick(event));
    container.addEventListener('keydown', (event) => this.handleKey(event));
    container.addEventListener('focusin', (event) => {
      const button = event.target.closest('button.seat');
      if (button) this.setActive(Number(button.dataset.seatId));
    });
  }

  /** Makes one seat the Tab stop of the map, so Tab jumps over the map in one step. */
  setActive(seatId) {
    if (!this.buttons.has(seatId)) return;
    if (this.activeId !== null && this.buttons.has(this.activeId)) {
      this.buttons.get(this.activeId).tabIndex = -1;
    }
    this.activeId = seatId;
    this.buttons.get(seatId).tabIndex = 0;
  }

  /** Arrow keys move between seats like in a grid; Home/End go to the row's ends. */
  handleKey(event) {
    const button = event.target.closest('button.seat');
    if (!button) return;
    const rows = [...this.container.querySelectorAll('.seat-row')]
      .map((row) => [...row.querySelectorAll('button.seat')]);
    const r = rows.findIndex((row) => row.includes(button));
    const c = rows[r].indexOf(button);
    const moves = {
      ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1], ArrowUp: [r - 1, c], ArrowDown: [r + 1, c],
      Home: [r, 0], End: [r, rows[r].length - 1],
    };
    const to = moves[event.key];
    if (!to) return;
    event.preventDefault();
    const target = rows[to[0]]?.[to[1]];
    if (target) target.focus();
  }

  handleClick(event) {
    const button = event.target.closest('button.seat');
    if (!button) return;
    // Unavailable seats are passed on too, so the page can say why nothing happens.
    const seat = this.seats.get(Number(button.dataset.seatId));
    if (seat) this.onToggle(seat);
  }

  /** Rebuilds the rows when the set of seats changes (a new show). */
  build(seats) {
    const rows = new Map();
    for (const seat of seats) {
      if (!rows.has(seat.row)) rows.set(seat.row, []);
      rows.get(seat.row).push(seat);
    }
    const fragment = document.createDocumentFragment();
    const placed = [];
    this.buttons.clear();
    for (const [row, rowSeats] of rows) {
      rowSeats.sort((a, b) => a.number - b.number);
      const line = document.createElement('div');
      line.className = 'seat-row';
      line.setAttribute('role', 'group');
      line.setAttribute('aria-label', `Row ${row}`);
      line.append(rowLabel(row));
      const buttons = [];
      for (const seat of rowSeats) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'seat';
        button.dataset.seatId = String(seat.id);
        button.dataset.number = String(seat.number);
        button.dataset.name = seat.name || `${seat.row}${seat.number}`;
        button.textContent = String(seat.number);
        button.tabIndex = -1;
        line.append(button);
        buttons.push(button);
        this.buttons.set(seat.id, button);
      }
      const end = rowLabel(row);
      line.append(end);
      fragment.append(line);
      placed.push({ line, seats: buttons, end });
    }
    applyLayout(this.container, placed);
    this.container.replaceChildren(fragment);
    this.activeId = null;
    if (seats.length) this.setActive(seats[0].id);
  }

  /**
   * Shows `seats` (the API's grid). `pending` is a Set of seat ids with a request in
   * flight; `locked` disables every seat (e.g. the show has started).
   */
  update(seats, { pending = new Set(), locked = false } = {}) {
    const key = seats.map((s) => s.id).join(',');
    if (key !== this.layoutKey) {
      this.build(seats);
      this.layoutKey = key;
    }
    this.seats = new Map(seats.map((s) => [s.id, s]));
    for (const seat of seats) {
      const button = this.buttons.get(seat.id);
      const state = seatState(seat);
      const busy = pending.has(seat.id);
      const inert = locked || state === 'sold' || state === 'others' || busy;
      const label = seatLabel(seat, { pending: busy });
      setAttr(button, 'class', `seat seat-${state}${busy ? ' seat-pending' : ''}`);
      setAttr(button, 'aria-label', label);
      setAttr(button, 'title', label);
      setAttr(button, 'aria-pressed', state === 'mine' ? 'true' : 'false');
      // aria-disabled rather than disabled: the button stays focusable, so a seat taken
      // by someone else while it has focus does not throw keyboard focus to the page top.
      setAttr(button, 'aria-disabled', inert ? 'true' : null);
      setAttr(button, 'aria-busy', busy ? 'true' : null);
      setAttr(button, 'data-state', state);
    }
  }

  clear() {
    this.container.replaceChildren();
    this.buttons.clear();
    this.seats.clear();
    this.layoutKey = '';
    this.activeId = null;
  }
}

function rowLabel(row) {
  const span = document.createElement('span');
  span.className = 'row-label';
  span.setAttribute('aria-hidden', 'true');
  span.textContent = row;
  return span;
}
