// The pure parts of tickets on the pages, under node: a ticket code grouped for reading
// and taken back from what a person or scanner typed, the door's verdict for each answer
// of POST /checkin, the camera's repeat filter, and the object URLs of the QR images.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { repeatFilter } from '../../web/js/checkin/repeat_filter.js';
import { admitVerdict, firstCheckIn, formatMoment, refusalVerdict } from '../../web/js/checkin/verdict.js';
import { formatShowTime } from '../../web/js/format.js';
import { groupCode, normalizeCode } from '../../web/js/ticket_code.js';
import { TicketImages } from '../../web/js/ticket_images.js';

const CODE = '0123456789abcdef0123456789abcdef';

test('a ticket code is shown in groups of four, two even lines of four groups', () => {
  assert.equal(groupCode(CODE), '0123 4567 89ab cdef 0123 4567 89ab cdef');
  assert.equal(groupCode('abcdef'), 'abcd ef');
  assert.equal(groupCode(''), '');
  assert.equal(groupCode(undefined), '');
});

test('a code read out in groups, in capitals or with a scanner\'s newline is the code', () => {
  assert.equal(normalizeCode(groupCode(CODE)), CODE);
  assert.equal(normalizeCode(` ${CODE.toUpperCase()}\n`), CODE);
  assert.equal(normalizeCode(`${CODE.slice(0, 16)}\t${CODE.slice(16)}\r\n`), CODE);
  assert.equal(normalizeCode('   '), '');
  assert.equal(normalizeCode(null), '');
});

test('a code of another form is sent as typed, capitals and dashes kept, for the server to judge', () => {
  assert.equal(normalizeCode('Ab-C_d'), 'Ab-C_d');
  // 31 hex characters is no hex code: its capitals are not guessed away.
  assert.equal(normalizeCode(CODE.toUpperCase().slice(1)), CODE.toUpperCase().slice(1));
});

const ANSWER = {
  booking_id: 782, show_id: 101, movie_title: 'Inception', time: '2026-12-05T19:30:00Z',
  theatre: 'PVR', seats: [{ id: 501, name: 'A1' }, { id: 502, name: 'A2' }], name: 'Alex Smith',
  checked_in_at: '2026-12-05T19:02:13Z',
};

test('an admitted ticket names the holder, the seats first, the movie, time and theatre', () => {
  const v = admitVerdict(ANSWER);
  assert.equal(v.tone, 'admit');
  assert.equal(v.word, 'Admit');
  assert.equal(v.title, 'Alex Smith');
  assert.deepEqual(v.lines, ['Seats A1 and A2', 'Inception',
    `${formatShowTime(ANSWER.time, undefined)} · PVR`, 'Booking 782']);
  assert.equal(admitVerdict({ ...ANSWER, seats: [{ id: 9, name: 'C7' }] }).lines[0], 'Seat C7');
});

const problem = (status, code, detail, extra = {}) =>
  ({ status, code, detail, problem: { status, code, detail, ...extra } });

test('a repeat is refused with the time of its first check-in, from the detail or a field', () => {
  const fromDetail = refusalVerdict(problem(409, 'already_checked_in',
    'Ticket already checked in at 2026-12-05T19:02:13Z'));
  assert.equal(fromDetail.tone, 'refuse');
  assert.equal(fromDetail.word, 'Do not admit');
  assert.equal(fromDetail.title, 'Already checked in');
  assert.equal(fromDetail.lines[0], `First checked in ${formatMoment('2026-12-05T19:02:13Z')}.`);
  assert.match(fromDetail.lines[0], /2026/);

  assert.equal(firstCheckIn({ checked_in_at: '2026-12-05T19:00:00Z' }, 'at 2026-12-05T19:02:13Z'),
    '2026-12-05T19:00:00Z');
  assert.equal(firstCheckIn({}, 'first at 2026-12-05T19:02:13.250+01:00, then'), '2026-12-05T19:02:13.250+01:00');
  assert.equal(firstCheckIn({}, 'no time here'), null);
  // A detail without a time is still said, in the server's words.
  const bare = refusalVerdict(problem(409, 'already_checked_in', 'Used before.'));
  assert.equal(bare.lines[0], 'Used before.');
});

test('a cancelled booking, an unknown code and a malformed one are each refused in their own words', () => {
  const cancelled = refusalVerdict(problem(409, 'booking_not_valid', 'Booking 782 is cancelled'));
  assert.equal(cancelled.tone, 'refuse');
  assert.match(cancelled.title, /cancelled/);
  const unknown = refusalVerdict(problem(404, 'ticket_not_found', 'No ticket has this code'));
  assert.equal(unknown.tone, 'refuse');
  assert.equal(unknown.title, 'Ticket not found');
  const malformed = refusalVerdict(problem(422, 'validation_failed', 'code must be a string'));
  assert.equal(malformed.tone, 'refuse');
  assert.equal(malformed.title, 'Not a ticket code');
  const titles = new Set([cancelled, unknown, malformed, refusalVerdict(problem(409, 'already_checked_in', ''))]
    .map((v) => v.title));
  assert.equal(titles.size, 4);
});

test('no answer from the server decides nothing: neither admit nor refuse, and says scan again', () => {
  for (const err of [problem(0, 'network', 'Could not reach the server.'),
    problem(503, 'unavailable', 'Database unreachable'), problem(429, 'too_many_requests', 'Slow down')]) {
    const v = refusalVerdict(err);
    assert.equal(v.tone, 'retry', err.code);
    assert.equal(v.word, 'Not checked');
    assert.ok(v.lines.includes(err.detail));
    assert.match(v.lines.at(-1), /Scan it again/);
  }
});

test('the camera counts a code once while it stays in view, again after it was away', () => {
  const fresh = repeatFilter(3000);
  assert.equal(fresh('a', 0), true);
  assert.equal(fresh('a', 1000), false);
  assert.equal(fresh('a', 3900), false, 'still in view: each sighting restarts the quiet time');
  assert.equal(fresh('b', 4000), true, 'another ticket counts at once');
  assert.equal(fresh('a', 4100), true, 'back to the first one: a new scan');
  assert.equal(fresh('a', 7200), true, 'out of sight for longer than the quiet time');
});

test('QR images are fetched once, revoked when their booking leaves the list or the person signs out',
  async () => {
    const fetched = [];
    const revoked = [];
    const realRevoke = URL.revokeObjectURL;
    URL.revokeObjectURL = (url) => { revoked.push(url); realRevoke(url); };
    try {
      const images = new TicketImages(async (id) => {
        fetched.push(id);
        return new Blob([`png ${id}`], { type: 'image/png' });
      });
      const a1 = await images.url(1);
      const a2 = await images.url(1);
      const b = await images.url(2);
      assert.equal(a1, a2);
      assert.deepEqual(fetched, [1, 2]);
      assert.match(a1, /^blob:/);

      images.keepOnly([2]);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(revoked, [a1]);

      // Signing out while an image is still loading: it is revoked as soon as it arrives.
      let release;
      const slow = new TicketImages(() => new Promise((r) => { release = r; }));
      const late = slow.url(3);
      slow.clear();
      release(new Blob(['x']));
      await assert.rejects(late);
      assert.equal(revoked.length, 2);

      images.clear();
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(revoked.slice(2), [b]);
      assert.deepEqual(fetched, [1, 2]);
    } finally {
      URL.revokeObjectURL = realRevoke;
    }
  });

test('a QR image that failed to load is fetched again on the next render', async () => {
  let calls = 0;
  const images = new TicketImages(async () => {
    calls += 1;
    if (calls === 1) throw new Error('network');
    return new Blob(['ok']);
  });
  await assert.rejects(images.url(5));
  await new Promise((r) => setImmediate(r));
  assert.match(await images.url(5), /^blob:/);
  assert.equal(calls, 2);
});
