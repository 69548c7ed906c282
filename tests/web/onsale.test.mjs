// The seat picker's on-sale rules, under node: seat events applied to the grid, holds that
// lapse by the clock, grid reads that must not undo newer events, the waiting room's
// polling schedule and words, and when the map says it scrolls sideways.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applySeatChanges, lapseHolds, mergeGridRead, parseSeatEvent } from '../../web/js/live_seats.js';
import { hiddenSides } from '../../web/js/scroll_hint.js';
import {
  ASK_AGAIN_SPREAD_MS, POLL_MIN_MS, PRE_QUEUE_SPREAD_MS, WAITING_POLL_MAX_MS, describePlace, nextPlacePoll, placeNow,
} from '../../web/js/waiting_room.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (seconds) => new Date(T0 + seconds * 1000).toISOString();
const grid = () => [
  { id: 1, name: 'A1', row: 'A', number: 1, status: 'AVAILABLE' },
  { id: 2, name: 'A2', row: 'A', number: 2, status: 'LOCKED', held_by_me: true, expires_at: at(5) },
  { id: 3, name: 'A3', row: 'A', number: 3, status: 'LOCKED' },
];

test('an event\'s payload is read as seat changes or a cancellation, and anything else is dropped', () => {
  assert.deepEqual(parseSeatEvent('{"seats":[{"id":501,"status":"SOLD"},{"id":502,"status":"SOLD"}]}'),
    { seats: [{ id: 501, status: 'SOLD' }, { id: 502, status: 'SOLD' }] });
  assert.deepEqual(parseSeatEvent('{"show":"CANCELLED"}'), { cancelled: true });
  assert.deepEqual(parseSeatEvent('{"seats":[{"id":"7","status":"SOLD"},{"id":8,"status":"GONE"}]}'), { seats: [] });
  for (const junk of ['', 'hi', 'null', '[]', '{"show":"OPEN"}', '{"seats":{}}']) {
    assert.equal(parseSeatEvent(junk), null, junk);
  }
});

test('a hold event marks the seat held by someone, with its end, and says nothing of whose it is', () => {
  const before = grid();
  const seats = applySeatChanges(before, [{ id: 1, status: 'LOCKED', expires_at: at(9) }]);
  assert.deepEqual(seats[0], { id: 1, name: 'A1', row: 'A', number: 1, status: 'LOCKED', expires_at: at(9) });
  assert.equal(seats[1], before[1], 'seats the event does not name are kept as they are');
});

test('our own hold\'s event, arriving after the lock\'s answer, leaves the seat ours', () => {
  const ours = applySeatChanges(grid(), [{ id: 2, status: 'LOCKED', expires_at: '2026-12-02T10:00:05.000000Z' }]);
  assert.equal(ours[1].held_by_me, true);
  const someoneElses = applySeatChanges(grid(), [{ id: 2, status: 'LOCKED', expires_at: at(7) }]);
  assert.equal(someoneElses[1].held_by_me, undefined, 'a hold with another end is another hold');
});

test('release, booking and cancellation events drop the hold\'s details', () => {
  const seats = applySeatChanges(grid(), [{ id: 2, status: 'SOLD' }, { id: 3, status: 'AVAILABLE' }]);
  assert.deepEqual(seats[1], { id: 2, name: 'A2', row: 'A', number: 2, status: 'SOLD' });
  assert.deepEqual(seats[2], { id: 3, name: 'A3', row: 'A', number: 3, status: 'AVAILABLE' });
});

test('a hold turns available by itself when its expires_at passes, and only then', () => {
  const before = grid();
  const early = lapseHolds(before, T0 + 4999);
  assert.equal(early.seats, before, 'nothing lapsed: the same grid comes back');
  assert.deepEqual(early.lapsed, []);
  const late = lapseHolds(before, T0 + 5000);
  assert.deepEqual(late.seats[1], { id: 2, name: 'A2', row: 'A', number: 2, status: 'AVAILABLE' });
  assert.deepEqual(late.lapsed.map((s) => s.id), [2]);
  assert.equal(late.lapsed[0].held_by_me, true, 'the lapsed seat is reported as it was');
  assert.equal(late.seats[2].status, 'LOCKED', 'a hold of unknown end waits for the next read');
});

test('a grid read keeps what an event said after the read was sent', () => {
  const onScreen = applySeatChanges(grid(), [{ id: 1, status: 'SOLD' }]);
  const staleRead = grid();
  const merged = mergeGridRead(staleRead, onScreen, (id) => id === 1);
  assert.equal(merged[0].status, 'SOLD');
  assert.equal(merged[2], staleRead[2], 'other seats come from the read');
});

test('the queue is asked again when Retry-After says plus 0-1 s, at admit_at (30 s at most), then never', () => {
  const show = { on_sale_at: at(60), queue_rate: 2 };
  const pre = { status: 'PRE_QUEUE', position: null, admit_at: null, admitted_until: null };
  assert.equal(nextPlacePoll(pre, show, T0, 75_000, () => 0), 75_000);
  assert.equal(nextPlacePoll(pre, show, T0, 75_000, () => 0.999999), 75_000 + ASK_AGAIN_SPREAD_MS * 0.999999);
  assert.equal(nextPlacePoll(pre, show, T0, 0, () => 0), POLL_MIN_MS, 'never at once');
  // Without a Retry-After: at on_sale_at plus 0-5 s.
  assert.equal(nextPlacePoll(pre, show, T0, null, () => 0), 60_000);
  assert.equal(nextPlacePoll(pre, show, T0, null, () => 0.999999), 60_000 + PRE_QUEUE_SPREAD_MS * 0.999999);
  const waiting = (admitIn) => ({ status: 'WAITING', position: 9, admit_at: at(admitIn), admitted_until: at(admitIn + 900) });
  assert.equal(nextPlacePoll(waiting(12), show, T0), 12_000);
  assert.equal(nextPlacePoll(waiting(600), show, T0), WAITING_POLL_MAX_MS);
  assert.equal(nextPlacePoll(waiting(-3), show, T0), POLL_MIN_MS, 'a turn already due is asked for soon, not at once');
  assert.equal(nextPlacePoll({ status: 'ADMITTED', admitted_until: at(6) }, show, T0), null);
  assert.equal(nextPlacePoll({ status: 'EXPIRED' }, show, T0), null);
  assert.equal(nextPlacePoll(null, show, T0), null);
});

test('an admission ends by the clock at admitted_until', () => {
  const place = { status: 'ADMITTED', position: 1, admit_at: at(0), admitted_until: at(6) };
  assert.equal(placeNow(place, T0 + 5999).status, 'ADMITTED');
  assert.equal(placeNow(place, T0 + 6000).status, 'EXPIRED');
  assert.equal(placeNow(null, T0), null);
});

test('the waiting room counts down to the sale, then to the caller\'s turn, then to its end', () => {
  const show = { on_sale_at: at(75), queue_rate: 1 };
  const outside = describePlace(null, show, T0);
  assert.equal(outside.countdown, 'The sale opens in 1:15.');
  assert.equal(outside.canJoin, true);
  const pre = describePlace({ status: 'PRE_QUEUE' }, show, T0);
  assert.equal(pre.countdown, 'The sale opens in 1:15.');
  assert.equal(pre.canJoin, false);
  const waiting = describePlace({ status: 'WAITING', position: 12, admit_at: at(89) }, show, T0 + 75_000);
  assert.equal(waiting.text, 'You are number 12 in the queue.');
  assert.equal(waiting.countdown, 'Your turn comes in 0:14.');
  const admitted = describePlace({ status: 'ADMITTED', position: 12, admitted_until: at(95) }, show, T0 + 89_000);
  assert.equal(admitted.countdown, 'Your turn ends in 0:06.');
  const over = describePlace({ status: 'EXPIRED' }, show, T0 + 95_000);
  assert.match(over.text, /^Your turn has ended/);
  assert.equal(over.canJoin, false);
});

test('the map says which sides have more seats to scroll to', () => {
  assert.equal(hiddenSides({ scrollLeft: 0, scrollWidth: 300, clientWidth: 300 }), '');
  assert.equal(hiddenSides({ scrollLeft: 0, scrollWidth: 400, clientWidth: 300 }), 'right');
  assert.equal(hiddenSides({ scrollLeft: 50, scrollWidth: 400, clientWidth: 300 }), 'left right');
  assert.equal(hiddenSides({ scrollLeft: 99.6, scrollWidth: 400, clientWidth: 300 }), 'left');
});
