// The admin page in a real browser (Debian's chromium) against the real stack, end to end
// with the seat picker: what an operator sets up there is what a customer books, and
// what the customer books is what the operator's report counts.
// Run: ./run.sh admin_page.test.js (an admin from CONTRACT_ADMIN_EMAIL/PASSWORD, or made
// with scripts/stack role for this checkout's stack).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE_URL, SEES_CHANGE_MS, adminAccount, apiCall, artifactPath, chooseShow, launchBrowser,
  loginToken, openPage, registerUser, reportValue, seatButton, signInAdmin, signInViaPage,
  waitForSeatLabel, waitForStack,
} from './support.js';

const ZONE = 'Asia/Kolkata'; // UTC+05:30 all year: the test knows the offset without Intl
const ZONE_OFFSET_MS = (5 * 60 + 30) * 60_000;
const PRICE_TEXT = '12.50';
const PRICE_CENTS = 1250;

const pad = (n) => String(n).padStart(2, '0');

/** A start three days ahead at 20:00 on the theatre's clocks: {wall, utcMs}. */
function showStart() {
  const day = new Date(Date.now() + 3 * 86_400_000);
  const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  return { wall: `${y}-${pad(m)}-${pad(d)}T20:00`, utcMs: Date.UTC(y, m - 1, d, 20, 0) - ZONE_OFFSET_MS };
}

const LOCALE = 'en-GB'; // the browser's: 24-hour clock, and money as the page shows it

function money(cents, currency) {
  return new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(cents / 100);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the report field reads `expected` (data-value), naming what it last said. */
async function waitForReport(page, showId, field, expected) {
  const dd = reportValue(page, showId, field);
  try {
    await page.waitForFunction(([id, f, want]) => {
      const el = document.querySelector(`#show-list li[data-show-id="${id}"] dd[data-field="${f}"]`);
      return el && el.dataset.value === want;
    }, [showId, field, String(expected)], { timeout: SEES_CHANGE_MS, polling: 100 });
  } catch (err) {
    const last = await dd.getAttribute('data-value').catch(() => '(none)');
    throw new Error(`show ${showId}'s report never had ${field} = ${expected}; it says ${last}`, { cause: err });
  }
}

describe('admin page', () => {
  let browser;
  let admin;

  before(async () => {
    await waitForStack();
    admin = await adminAccount();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('an admin sets up a theatre, a movie and a show; a customer books two seats; the report ' +
    'counts them and the revenue; cancelling says how many bookings go', async () => {
    const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const options = { viewport: { width: 1200, height: 900 }, locale: LOCALE, timezoneId: 'Europe/London' };
    const { context, page } = await openPage(browser, options, '/admin/');
    const shopper = await openPage(browser, options);
    try {
      await signInAdmin(page, admin);

      // A theatre of 3 rows x 8 seats, drawn while it is typed.
      const theatreName = `Browser Hall ${tag}`;
      await page.locator('#theatre-name').fill(theatreName);
      await page.locator('#theatre-location').fill('Test Street 1');
      await page.locator('#theatre-timezone').fill(ZONE);
      await page.locator('#layout-rows').fill('3');
      await page.locator('#layout-seats').fill('8');
      await page.getByRole('button', { name: /^Lay out rows/ }).click();
      const preview = page.locator('#layout-preview');
      assert.equal(await preview.locator('.seat-row').count(), 3);
      assert.equal(await preview.locator('.preview-seat').count(), 24);
      assert.equal(await page.locator('#layout-summary').innerText(), '3 rows, 24 seats.');
      // Typing into one row redraws at once, and a bad value is named.
      const rowB = page.getByRole('spinbutton', { name: 'Seats of row 2' });
      await rowB.fill('5');
      assert.equal(await preview.locator('.seat-row').nth(1).locator('.preview-seat').count(), 5);
      assert.equal(await page.locator('#layout-summary').innerText(), '3 rows, 21 seats.');
      await page.getByRole('textbox', { name: 'Name of row 3' }).fill('b');
      assert.match(await page.locator('#layout-summary').innerText(), /both called B/);
      assert.equal(await page.getByRole('textbox', { name: 'Name of row 3' }).getAttribute('aria-invalid'), 'true');
      await page.getByRole('textbox', { name: 'Name of row 3' }).fill('C');
      await rowB.fill('8');
      assert.equal(await page.locator('#layout-summary').innerText(), '3 rows, 24 seats.');
      // By keyboard: a row added lands focus in its name; removing it hands focus back.
      const focused = () => page.evaluate(() => document.activeElement.getAttribute('aria-label') ||
        document.activeElement.labels?.[0]?.textContent || document.activeElement.id);
      await page.locator('#row-add').focus();
      await page.keyboard.press('Enter');
      assert.equal(await focused(), 'Name of row 4');
      assert.equal(await page.getByRole('textbox', { name: 'Name of row 4' }).inputValue(), 'D');
      assert.equal(await page.locator('#layout-summary').innerText(), '4 rows, 32 seats.');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Remove row D');
      await page.keyboard.press('Enter');
      assert.equal(await focused(), 'Name of row 3');
      assert.equal(await page.locator('#layout-summary').innerText(), '3 rows, 24 seats.');
      await page.locator('#theatre-form').screenshot({ path: artifactPath('admin-theatre-form.png') });
      await page.getByRole('button', { name: 'Add theatre' }).click();
      const theatreItem = page.locator('#theatre-list li', { hasText: theatreName });
      await theatreItem.waitFor();
      assert.match(await theatreItem.innerText(), new RegExp(`${ZONE} · 3 rows, 24 seats`));
      const theatreId = Number(await theatreItem.getAttribute('data-theatre-id'));

      // A movie, then an edit of it (PATCH).
      const title = `Browser Movie ${tag}`;
      await page.locator('#movie-title').fill(title);
      await page.locator('#movie-rating').fill('PG-13');
      await page.locator('#movie-duration').fill('100');
      await page.locator('#movie-description').fill('Made by the admin page test.');
      await page.getByRole('button', { name: 'Add movie' }).click();
      const movieItem = page.locator('#movie-list li', { hasText: title });
      await movieItem.waitFor();
      const movieId = Number(await movieItem.getAttribute('data-movie-id'));
      await page.getByRole('button', { name: `Edit ${title}` }).click();
      assert.equal(await page.locator('#movie-rating').inputValue(), 'PG-13');
      await page.locator('#movie-rating').fill('PG');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#status .status-success', { hasText: `Saved movie ${movieId}` }).waitFor();
      await page.locator('#movie-list li', { hasText: title }).filter({ hasText: ' PG · 100 min' }).waitFor();
      const movie = (await apiCall('GET', '/movies')).body.find((m) => m.id === movieId);
      assert.deepEqual(movie, { id: movieId, title, description: 'Made by the admin page test.',
        duration_mins: 100, rating: 'PG' });

      // A show at 20:00 on the theatre's clocks, whatever the browser's own zone (London).
      const start = showStart();
      await page.locator('#show-movie').selectOption(String(movieId));
      await page.locator('#show-theatre').selectOption(String(theatreId));
      assert.equal(await page.locator('#show-time-zone').innerText(), `(on the clocks of ${ZONE})`);
      await page.locator('#show-time').fill(start.wall);
      const utc = new Date(start.utcMs).toISOString();
      assert.match(await page.locator('#show-time-check').innerText(),
        new RegExp(`^That is ${utc.slice(8, 10)}/${utc.slice(5, 7)}/${utc.slice(0, 4)}, ${utc.slice(11, 16)} UTC`));
      await page.locator('#show-price').fill(PRICE_TEXT);
      await page.getByRole('button', { name: 'Add show' }).click();
      const added = page.locator('#status .status-success', { hasText: 'Added show' });
      await added.waitFor();
      const showId = Number(/Added show (\d+)/.exec(await added.innerText())[1]);
      const listed = (await apiCall('GET', `/movies/${movieId}/shows`)).body;
      assert.equal(listed.length, 1, JSON.stringify(listed));
      const show = listed[0];
      assert.equal(show.id, showId);
      assert.equal(Date.parse(show.time), start.utcMs, `show time ${show.time}, typed ${start.wall} in ${ZONE}`);
      assert.equal(show.timezone, ZONE);
      assert.equal(show.theatre_id, theatreId);
      assert.equal(show.price_cents, PRICE_CENTS);
      assert.equal(show.capacity, 24);
      const total = money(2 * PRICE_CENTS, show.currency);

      const card = page.locator(`#show-list li[data-show-id="${showId}"]`);
      await card.waitFor();
      assert.match(await card.locator('.show-when').innerText(), new RegExp(`20:00 \\(${ZONE}\\)`));
      await waitForReport(page, showId, 'capacity', 24);
      await waitForReport(page, showId, 'sold', 0);

      // A customer books two seats of it on the seat picker, at the theatre's time and price.
      const customer = await registerUser('admin-shopper');
      const { page: picker } = shopper;
      await signInViaPage(picker, customer);
      await chooseShow(picker, movieId, showId);
      assert.match(await picker.locator('#show-select option:checked').innerText(), new RegExp(`20:00 \\(${ZONE}\\)`));
      assert.match(await picker.locator('#show-info').innerText(),
        new RegExp(`${escape(money(PRICE_CENTS, show.currency))} a seat`));
      const grid = (await apiCall('GET', `/shows/${showId}/seats`)).body;
      assert.deepEqual([...new Set(grid.map((s) => s.row))], ['A', 'B', 'C']);
      const seats = grid.filter((s) => s.row === 'B' && (s.number === 4 || s.number === 5));
      for (const seat of seats) {
        await seatButton(picker, seat.id).click();
        await waitForSeatLabel(picker, seat.id, /, held by you, \d+:\d\d left$/);
      }
      assert.equal(await picker.locator('#holds-total').innerText(), `Total for 2 seats: ${total}`);
      await picker.locator('#book-button').click();
      await picker.locator('#status .status-success', { hasText: `for ${total}` }).waitFor();
      const token = await loginToken(customer);
      const bookings = (await apiCall('GET', '/bookings', { token })).body;
      assert.equal(bookings.length, 1);
      assert.equal(bookings[0].total_cents, 2 * PRICE_CENTS);

      // The admin's report follows on its own, without a reload.
      await waitForReport(page, showId, 'sold', 2);
      await waitForReport(page, showId, 'bookings', 1);
      await waitForReport(page, showId, 'available', 22);
      await waitForReport(page, showId, 'revenue_cents', 2 * PRICE_CENTS);
      assert.equal(await reportValue(page, showId, 'revenue_cents').innerText(), total);
      await card.screenshot({ path: artifactPath('admin-show-report.png') });

      // Cancelling asks first, counting the booking it cancels; declining changes nothing.
      const cancel = card.getByRole('button', { name: new RegExp(`^Cancel show ${showId},`) });
      let question = '';
      page.once('dialog', (dialog) => {
        question = dialog.message();
        dialog.dismiss();
      });
      await cancel.click();
      await page.locator('#status', { hasText: `Show ${showId} was not cancelled.` }).waitFor();
      assert.match(question, /This cancels 1 booking \(2 seats sold, /);
      assert.equal((await apiCall('GET', `/admin/shows/${showId}/report`, { token: await loginToken(admin) })).body.status, 'ON_SALE');
      page.once('dialog', (dialog) => dialog.accept());
      await cancel.click();
      await page.locator('#status .status-success',
        { hasText: `Show ${showId} is cancelled, and with it 1 booking.` }).waitFor();
      const refunded = (await apiCall('GET', '/bookings', { token })).body;
      assert.equal(refunded[0].status, 'CANCELLED');
      assert.deepEqual((await apiCall('GET', `/movies/${movieId}/shows`)).body, []);
      await page.locator('#shows-filter').selectOption('cancelled');
      await card.filter({ hasText: 'Cancelled' }).waitFor();
      await waitForReport(page, showId, 'cancelled_bookings', 1);

      // The audit trail lists each change, by this admin.
      const audit = page.locator('#audit-rows tr');
      for (const [action, target] of [['show.cancel', `show:${showId}`], ['show.create', `show:${showId}`],
        ['movie.update', `movie:${movieId}`], ['movie.create', `movie:${movieId}`],
        ['theatre.create', `theatre:${theatreId}`]]) {
        const row = audit.filter({ hasText: action }).filter({ hasText: target });
        await row.first().waitFor({ timeout: SEES_CHANGE_MS });
        assert.match(await row.first().innerText(), /you \(user \d+\)/);
      }
      assert.deepEqual(page.errors, []);
      assert.deepEqual(picker.errors, []);
    } finally {
      await context.close();
      await shopper.context.close();
    }
  });

  test('a customer who signs in on the admin page is told it is not an admin', async () => {
    const customer = await registerUser('not-admin');
    const { context, page } = await openPage(browser, {}, '/admin/');
    try {
      // A wrong password is said as such first, not taken for a missing role.
      await page.locator('#sign-in-email').fill(customer.email);
      await page.locator('#sign-in-password').fill(`${customer.password}-wrong`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#status .status-error', { hasText: 'Could not sign in:' }).waitFor();
      await page.locator('#sign-in-email').fill(customer.email);
      await page.locator('#sign-in-password').fill(customer.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.locator('#status .status-error', { hasText: 'not an admin' }).waitFor();
      assert.match(await page.locator('#status').innerText(), new RegExp(`role ${customer.email} admin`));
      assert.ok(await page.locator('#auth-view').isVisible());
      assert.ok(await page.locator('#admin-view').isHidden());
      assert.equal(await page.evaluate(() => document.activeElement.id), 'sign-in-email');
    } finally {
      await context.close();
    }
  });

  test('/admin/ is served as a page with the site headers, and /admin leads to it', async () => {
    const res = await fetch(`${BASE_URL}/admin/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html; charset=utf-8$/i);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(await res.text(), /<title>Seats — admin<\/title>/);
    const bare = await fetch(`${BASE_URL}/admin`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/admin/');
    assert.equal((await fetch(`${BASE_URL}/admin/`, { method: 'POST' })).status, 405);
  });
});
