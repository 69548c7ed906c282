// The page modules that hold rules rather than markup, run under node: a theatre's wall
// clock to UTC and back (daylight saving's gaps and doubled hours included), prices in
// minor units without floating point, and where a seat goes in a row of any length.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { zonedToUtc } from '../../web/js/admin/zoned_time.js';
import { formatMoney, parseMoney } from '../../web/js/money.js';
import { endLabelColumn, gridShape, seatColumn } from '../../web/js/seat_layout.js';

const iso = (ms) => new Date(ms).toISOString();

test('a wall time in a zone without daylight saving is its fixed offset from UTC', () => {
  assert.equal(iso(zonedToUtc('2026-12-05T20:00', 'Asia/Kolkata').ms), '2026-12-05T14:30:00.000Z');
  assert.equal(iso(zonedToUtc('2026-12-31T23:59', 'Pacific/Kiritimati').ms), '2026-12-31T09:59:00.000Z');
});

test('summer and winter times of one zone get their own offsets', () => {
  assert.equal(iso(zonedToUtc('2026-07-01T12:00', 'Europe/Berlin').ms), '2026-07-01T10:00:00.000Z');
  assert.equal(iso(zonedToUtc('2026-01-15T12:00', 'Europe/Berlin').ms), '2026-01-15T11:00:00.000Z');
  assert.equal(iso(zonedToUtc('2026-07-01T12:00', 'America/New_York').ms), '2026-07-01T16:00:00.000Z');
});

test('a time the clocks skip when they go forward is refused', () => {
  assert.deepEqual(zonedToUtc('2026-03-29T02:30', 'Europe/Berlin'), { gap: true });
  assert.deepEqual(zonedToUtc('2026-03-08T02:15', 'America/New_York'), { gap: true });
});

test('a time the clocks read twice when they go back is its first reading, marked', () => {
  const t = zonedToUtc('2026-10-25T02:30', 'Europe/Berlin');
  assert.equal(iso(t.ms), '2026-10-25T00:30:00.000Z');
  assert.equal(t.ambiguous, true);
  assert.equal(zonedToUtc('2026-10-25T03:30', 'Europe/Berlin').ambiguous, undefined);
});

test('text that is no wall time is invalid', () => {
  for (const text of ['', '2026-02-30T12:00', '2026-12-05 20:00', '2026-12-05T24:00', 'tomorrow']) {
    assert.deepEqual(zonedToUtc(text, 'UTC'), { invalid: true }, text);
  }
});

test('prices typed by a person become exact minor units of the currency', () => {
  assert.equal(parseMoney('12.5', 'USD'), 1250);
  assert.equal(parseMoney('12,50', 'EUR'), 1250);
  assert.equal(parseMoney('0.10', 'USD'), 10);
  assert.equal(parseMoney('1000', 'JPY'), 1000);
  for (const [text, currency] of [['12.505', 'USD'], ['10.5', 'JPY'], ['-1', 'USD'], ['', 'USD'], ['1e3', 'USD']]) {
    assert.equal(parseMoney(text, currency), null, `${text} ${currency}`);
  }
});

test('minor units are shown in the currency, and nothing without one', () => {
  const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(25);
  assert.equal(formatMoney(2500, 'USD'), usd);
  assert.equal(formatMoney(2500, undefined), '');
  assert.equal(formatMoney(undefined, 'USD'), '');
});

test('seats sit left and right of the aisle, shorter rows centred on the widest', () => {
  const ten = gridShape([10, 10]);
  assert.deepEqual([0, 4, 5, 9].map((i) => seatColumn(ten, 10, i)), [2, 6, 8, 12]);
  assert.equal(endLabelColumn(ten), 13);
  const mixed = gridShape([8, 6]);
  assert.deepEqual(Array.from({ length: 6 }, (_, i) => seatColumn(mixed, 6, i)), [3, 4, 5, 7, 8, 9]);
  const one = gridShape([1]);
  assert.equal(seatColumn(one, 1, 0), 2);
  assert.equal(endLabelColumn(one), 3);
  assert.doesNotMatch(one.columns, /repeat\(0/);
});
