// Tickets from the seat picker to the door, in a real browser against the real stack: the
// QR code on My bookings holds the booking's ticket code (decoded with zbarimg, Debian's
// zbar-tools), and the check-in page at /checkin/ admits it once, then refuses it.
// Run: ./run.sh tickets.test.js (staff rights from the admin of CONTRACT_ADMIN_EMAIL/
// PASSWORD, or one made with scripts/stack role for this checkout's stack).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  BASE_URL, SEES_CHANGE_MS, adminAccount, apiCall, artifactPath, chooseShow, launchBrowser, loginToken,
  openPage, pickShowAndSeats, registerUser, registerViaPage, seatButton, sessionToken,
  signInViaPage, uniqueEmail, PASSWORD, waitForSeatLabel, waitForStack,
} from './support.js';

const run = promisify(execFile);
const HEX_CODE = /^[0-9a-f]{32}$/;
const GROUPED_CODE = /^(?:[0-9a-f]{4} ){7}[0-9a-f]{4}$/;

/** The text of the QR code in `png` (a Buffer), as zbarimg reads it. */
async function decodeQr(png, name) {
  const file = artifactPath(name);
  await writeFile(file, png);
  try {
    const { stdout } = await run('zbarimg', ['--raw', '-q', file]);
    return stdout.trim();
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw new Error('zbarimg is missing: the QR code cannot be decoded (apt-get install zbar-tools)');
    }
    throw new Error(`zbarimg found no QR code in ${file}: exit ${err.code} ${String(err.stderr).trim()}`);
  }
}

/** Holds `seat` and books it through the API; answers the booking as GET /bookings lists it. */
async function bookViaApi(token, show, seat) {
  const held = await apiCall('PATCH', `/seats/${seat.id}/lock`, { token });
  assert.equal(held.status, 200, JSON.stringify(held.body));
  const booked = await apiCall('POST', '/bookings', { token, body: { show_id: show.id, seat_ids: [seat.id] } });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  assert.match(booked.body.ticket_code, HEX_CODE);
  const list = await apiCall('GET', '/bookings', { token });
  const booking = list.body.find((b) => b.booking_id === booked.body.booking_id);
  assert.equal(booking.ticket_code, booked.body.ticket_code, 'the 201 and the list give one code');
  return booking;
}

/** Signs in on the check-in page and waits for the code field. */
async function signInCheckin(page, user) {
  await page.locator('#sign-in-email').fill(user.email);
  await page.locator('#sign-in-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#scan-view').waitFor({ state: 'visible' });
  await page.locator('#auth-view').waitFor({ state: 'hidden' });
}

/** Marks the answer on screen as old, so that waitForVerdict waits for the next one. */
async function markVerdictSeen(page) {
  await page.evaluate(() => document.querySelector('#verdict .verdict')?.setAttribute('data-seen', ''));
}

/** Types `code` and Enter the way a handheld scanner does: into whatever has focus. */
async function scan(page, code) {
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'code',
    'the code field has focus, ready for the scanner');
  await markVerdictSeen(page);
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

/**
 * Waits for a new verdict (see markVerdictSeen) of `tone` whose text matches `pattern`;
 * the error says what was shown instead.
 */
async function waitForVerdict(page, tone, pattern) {
  const verdict = page.locator(`#verdict .verdict-${tone}:not([data-seen])`, { hasText: pattern });
  try {
    await verdict.waitFor({ timeout: SEES_CHANGE_MS });
  } catch (err) {
    const shown = await page.locator('#verdict').innerText().catch(() => '(nothing)');
    throw new Error(`no ${tone} verdict matching ${pattern}; the page shows: ${shown}`, { cause: err });
  }
  return verdict.innerText();
}

/** The QR image of booking `id` on My bookings, once its PNG has loaded. */
async function loadedQr(page, bookingId) {
  const img = page.locator(`#bookings li[data-booking-id="${bookingId}"] .ticket img`);
  await page.waitForFunction((id) => {
    const i = document.querySelector(`#bookings li[data-booking-id="${id}"] .ticket img`);
    return !!i && i.complete && i.naturalWidth > 0 && !i.hidden;
  }, bookingId, { timeout: SEES_CHANGE_MS, polling: 100 });
  return img;
}

/** The bytes the page shows for `img` (its blob URL), read inside the page. */
async function imageBytes(img) {
  const base64 = await img.evaluate(async (i) => {
    const bytes = new Uint8Array(await (await fetch(i.src)).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

describe('tickets', () => {
  let browser;
  let staff;

  before(async () => {
    await waitForStack();
    staff = await adminAccount(); // an admin may do what staff does
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('a booking made on the page shows a QR code of its ticket code; the door admits it once',
    async () => {
      const { movie, show, seats: [seat] } = await pickShowAndSeats(1);
      // 320 px: the narrowest phone the page is made for.
      const customer = await openPage(browser, { viewport: { width: 320, height: 720 } });
      const door = await openPage(browser, { viewport: { width: 390, height: 844 } }, '/checkin/');
      try {
        const user = { email: uniqueEmail('ticket'), password: PASSWORD, name: `Ticket Holder ${Date.now() % 100000}` };
        const { page } = customer;
        await registerViaPage(page, user);
        await chooseShow(page, movie.id, show.id);
        await seatButton(page, seat.id).click();
        await waitForSeatLabel(page, seat.id, /, held by you, \d+:\d\d left$/);
        await page.locator('#book-button').click();
        await page.locator('#status .status-success', { hasText: 'Booked' }).waitFor({ timeout: SEES_CHANGE_MS });

        const token = await sessionToken(page);
        const [booking] = (await apiCall('GET', '/bookings', { token })).body;
        assert.equal(booking.status, 'CONFIRMED');
        assert.match(booking.ticket_code, HEX_CODE);

        const img = await loadedQr(page, booking.booking_id);
        assert.match(await img.getAttribute('alt'), new RegExp(`QR code .*seat ${seat.name}\\b`));
        const item = page.locator(`#bookings li[data-booking-id="${booking.booking_id}"]`);
        const shownCode = await item.locator('.ticket-code').innerText();
        assert.match(shownCode.replace(/\s+/g, ' ').trim(), GROUPED_CODE, 'the code is grouped for reading');
        assert.equal(shownCode.replace(/\s+/g, ''), booking.ticket_code);
        assert.equal(await item.locator('.ticket-code').evaluate((c) => getComputedStyle(c).fontFamily)
          .then((f) => /mono/i.test(f)), true, 'the code is in a monospace font');

        // What the page shows is what the API serves, and it decodes to the ticket code.
        const shownPng = await imageBytes(img);
        assert.equal(await decodeQr(shownPng, 'ticket-qr-page.png'), booking.ticket_code);
        const res = await fetch(`${BASE_URL}/api/v1/bookings/${booking.booking_id}/ticket.png`,
          { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^image\/png/);
        assert.ok(Buffer.from(await res.arrayBuffer()).equals(shownPng), 'the page shows the API\'s PNG');

        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `My bookings scrolls sideways by ${overflow}px at 320px`);
        const box = await img.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 320, `the QR code sticks out: ${JSON.stringify(box)}`);
        await page.locator('section.bookings').screenshot({ path: artifactPath('my-bookings-ticket.png') });

        // At the door: a scanner types the code and Enter.
        const { page: desk } = door;
        await signInCheckin(desk, staff);
        await scan(desk, booking.ticket_code);
        const admitted = await waitForVerdict(desk, 'admit', seat.name);
        assert.match(admitted, /Admit/i);
        assert.match(admitted, new RegExp(user.name));
        assert.match(admitted, new RegExp(movie.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        assert.equal(await desk.locator('#verdict').getAttribute('role'), 'status');
        assert.equal(await desk.inputValue('#code'), '', 'the field is emptied for the next scan');
        assert.equal(await desk.evaluate(() => document.activeElement?.id), 'code');
        await desk.screenshot({ path: artifactPath('checkin-admit.png'), fullPage: true });

        // The same ticket again: refused, with the time of the first check-in.
        await scan(desk, booking.ticket_code);
        const repeat = await waitForVerdict(desk, 'refuse', 'Already checked in');
        assert.match(repeat, /Do not admit/i);
        assert.match(repeat, /First checked in .*\d/);
        assert.doesNotMatch(repeat, /[{}]|"code"|problem\+json/);
        await desk.screenshot({ path: artifactPath('checkin-repeat.png'), fullPage: true });

        // A code read out in groups, in capitals, is the same ticket (still used).
        await markVerdictSeen(desk);
        await desk.locator('#code').fill(shownCode.toUpperCase());
        await desk.keyboard.press('Enter');
        await waitForVerdict(desk, 'refuse', 'Already checked in');

        // A code no ticket has.
        await scan(desk, randomBytes(16).toString('hex'));
        await waitForVerdict(desk, 'refuse', 'Ticket not found');
        assert.equal(await desk.evaluate(() => document.activeElement?.id), 'code');

        // A used ticket can no longer be cancelled.
        const cancel = await apiCall('DELETE', `/bookings/${booking.booking_id}`, { token });
        assert.equal(cancel.status, 409, JSON.stringify(cancel.body));
        assert.equal(cancel.body.code, 'booking_not_cancellable');
        // ...and My bookings says it was used: no QR code to show again, no cancel button.
        await page.locator('#bookings-refresh').click();
        await item.locator('.badge', { hasText: 'Checked in' }).waitFor({ timeout: SEES_CHANGE_MS });
        assert.match(await item.innerText(), /This ticket has been used/);
        assert.equal(await item.locator('img').count(), 0);
        assert.equal(await item.getByRole('button', { name: /^Cancel booking/ }).count(), 0);
        assert.deepEqual(page.errors, []);
        assert.deepEqual(desk.errors, []);
      } finally {
        await customer.context.close();
        await door.context.close();
      }
    });

  test('a cancelled booking loses its QR code on the page and is refused at the door', async () => {
    const { show, seats: [seat] } = await pickShowAndSeats(1);
    const user = await registerUser('cancelled-ticket');
    const token = await loginToken(user);
    const booking = await bookViaApi(token, show, seat);
    const customer = await openPage(browser);
    const door = await openPage(browser, {}, '/checkin/');
    try {
      const { page } = customer;
      await signInViaPage(page, user);
      const img = await loadedQr(page, booking.booking_id);
      const blobUrl = await img.getAttribute('src');
      assert.match(blobUrl, /^blob:/);

      page.once('dialog', (dialog) => dialog.accept());
      const item = page.locator(`#bookings li[data-booking-id="${booking.booking_id}"]`);
      await item.getByRole('button', { name: /^Cancel booking/ }).click();
      await item.filter({ hasText: 'Not valid for entry' }).waitFor({ timeout: SEES_CHANGE_MS });
      assert.equal(await item.locator('img').count(), 0, 'a cancelled booking shows no QR code');
      assert.equal(await item.locator('.ticket-code').count(), 0);
      // Its image is let go, not kept in memory behind the page's back.
      const stillThere = await page.evaluate((url) => fetch(url).then(() => true, () => false), blobUrl);
      assert.equal(stillThere, false, 'the QR image\'s object URL was revoked');

      const { page: desk } = door;
      await signInCheckin(desk, staff);
      await scan(desk, booking.ticket_code);
      await waitForVerdict(desk, 'refuse', 'cancelled');
      assert.deepEqual(page.errors, []);
      assert.deepEqual(desk.errors, []);
    } finally {
      await customer.context.close();
      await door.context.close();
    }
  });

  test('a customer account cannot check tickets in, and is told so, also when the server says 403',
    async () => {
      const user = await registerUser('door-customer');
      const { context, page } = await openPage(browser, {}, '/checkin/');
      try {
        await page.locator('#sign-in-email').fill(user.email);
        await page.locator('#sign-in-password').fill(user.password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.locator('#status .status-error', { hasText: 'not a staff or admin account' }).waitFor();
        assert.match(await page.locator('#status').innerText(), new RegExp(`role ${user.email} staff`));
        assert.ok(await page.locator('#scan-view').isHidden());

        // A session that claims staff (a role taken away since sign-in looks the same): the
        // server's 403 on the first check-in ends it, in the same words.
        const token = await loginToken(user);
        await page.evaluate(([t, email]) => sessionStorage.setItem('seats.session', JSON.stringify(
          { token: t, expiresAt: null, user: { id: 1, name: 'Door Customer', email, role: 'staff' } })),
        [token, user.email]);
        await page.reload();
        await page.locator('#scan-view').waitFor({ state: 'visible' });
        await scan(page, randomBytes(16).toString('hex'));
        await page.locator('#status .status-error', { hasText: 'not a staff or admin account' }).waitFor();
        assert.ok(await page.locator('#auth-view').isVisible());
        assert.equal(await page.evaluate(() => sessionStorage.getItem('seats.session')), null);
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    });

  test('the camera button is offered only where the browser can read QR codes', async () => {
    const { context, page } = await openPage(browser, {}, '/checkin/');
    try {
      await signInCheckin(page, staff);
      const supported = await page.evaluate(async () => typeof BarcodeDetector === 'function' &&
        (await BarcodeDetector.getSupportedFormats()).includes('qr_code'));
      // The page's own check ran at start and settled in a few microtasks, long before
      // the sign-in's round trip to the server ended.
      assert.equal(await page.locator('#camera').isHidden(), !supported,
        `BarcodeDetector with QR codes: ${supported}`);
    } finally {
      await context.close();
    }
  });

  test('a QR code the camera sees is checked in once while it stays in view', async () => {
    const { show, seats: [seat] } = await pickShowAndSeats(1);
    const user = await registerUser('camera-ticket');
    const booking = await bookViaApi(await loginToken(user), show, seat);
    const { context, page } = await openPage(browser, {}, '/checkin/');
    const posts = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/api/v1/checkin')) posts.push(req.postData());
    });
    try {
      // A stand-in camera and detector (desktop Linux chromium has neither): the picture is
      // a canvas, and the detector "sees" whatever the test holds up in window.__qr.
      await context.addInitScript(() => {
        window.__qr = null;
        window.BarcodeDetector = class {
          static async getSupportedFormats() { return ['qr_code']; }
          async detect() { return window.__qr ? [{ format: 'qr_code', rawValue: window.__qr }] : []; }
        };
        navigator.mediaDevices.getUserMedia = async () => {
          const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
          const g = canvas.getContext('2d');
          setInterval(() => { g.fillStyle = `hsl(${Date.now() % 360} 50% 50%)`; g.fillRect(0, 0, 64, 48); }, 50);
          return canvas.captureStream(20);
        };
      });
      await page.reload();
      await signInCheckin(page, staff);
      const toggle = page.getByRole('button', { name: 'Scan with the camera' });
      await toggle.click();
      await page.getByRole('button', { name: 'Stop the camera' }).waitFor();
      await page.evaluate((code) => { window.__qr = code; }, booking.ticket_code);
      await waitForVerdict(page, 'admit', seat.name);
      // Still in view for a second and a half (ten frames and more): no second check-in,
      // so no red "already checked in" over the green.
      await page.waitForTimeout(1500);
      assert.equal(posts.length, 1, `check-ins sent: ${JSON.stringify(posts)}`);
      assert.equal(JSON.parse(posts[0]).code, booking.ticket_code);
      assert.equal(await page.locator('#verdict .verdict-admit').count(), 1);
      await page.getByRole('button', { name: 'Stop the camera' }).click();
      await page.getByRole('button', { name: 'Scan with the camera' }).waitFor();
      assert.equal(await page.locator('#camera-video').evaluate((v) => v.srcObject), null);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
