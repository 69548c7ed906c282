// axe-core (from npm, the lock file's version) over the pages in a real browser, in the
// light and the dark colour scheme: the seat picker signed in with every seat state and
// every booking badge on screen, its register form with field errors, a show's waiting
// room, and the admin and check-in pages signed in. Every finding fails the test, with
// the rule, the element and axe's words.
// Run: ./run.sh accessibility.test.js (admin rights from CONTRACT_ADMIN_EMAIL/PASSWORD, or
// an admin made with scripts/stack role for this checkout's stack).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import axe from 'axe-core';
import {
  adminAccount, apiCall, chooseShow, launchBrowser, loginToken, makeShow, openPage,
  pickShowAndSeats, registerUser, seatButton, signInAdmin, signInViaPage, waitForLive,
  waitForSeatLabel, waitForStack,
} from './support.js';

const SCHEMES = ['light', 'dark'];

/** axe's violations on the page as it is now, one line each: rule, element, what is wrong. */
async function axeFindings(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.flatMap((v) => v.nodes.map((n) =>
    `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

/** [r, g, b] of '#rrggbb' or 'rgb(r, g, b)'. */
function rgb(css) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css.trim());
  if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
  const fn = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css.trim());
  if (fn) return fn.slice(1, 4).map(Number);
  throw new Error(`not a colour: ${css}`);
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a, b) {
  const lum = (css) => {
    const [r, g, bl] = rgb(css).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The digits of a seat held by someone else against both of its stripes (a gradient, which
 * axe leaves unchecked): [ratio, ratio].
 */
async function stripedSeatContrast(page, seatId) {
  const { text, stripes } = await page.evaluate((id) => {
    const root = getComputedStyle(document.documentElement);
    const card = root.getPropertyValue('--card');
    const stripe = (name) => {
      const value = root.getPropertyValue(name).trim();
      return value === 'transparent' ? card : value;
    };
    const button = document.querySelector(`#seat-map button.seat[data-seat-id="${id}"]`);
    return { text: getComputedStyle(button).color, stripes: [stripe('--seat-others'), stripe('--seat-others-2')] };
  }, seatId);
  return stripes.map((s) => Number(contrast(text, s).toFixed(2)));
}

/** Holds `seat` and books it through the API; answers the 201's body. */
async function book(token, show, seat) {
  assert.equal((await apiCall('PATCH', `/seats/${seat.id}/lock`, { token })).status, 200);
  const booked = await apiCall('POST', '/bookings', { token, body: { show_id: show.id, seat_ids: [seat.id] } });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  return booked.body;
}

describe('accessibility (axe-core)', () => {
  let browser;
  let admin;

  before(async () => {
    await waitForStack();
    browser = await launchBrowser();
    admin = await adminAccount();
  });

  after(async () => {
    await browser?.close();
  });

  test('the seat picker, signed in with holds, sold seats and bookings of every kind, has no findings',
    async () => {
      const { movie, show, seats: [confirmed, cancelled, used, others, ...mine] } = await pickShowAndSeats(4 + SCHEMES.length);
      const [user, neighbour] = await Promise.all([registerUser('axe'), registerUser('axe-other')]);
      const [token, neighbourToken, adminToken] = await Promise.all([user, neighbour, admin].map(loginToken));
      await book(token, show, confirmed);
      const gone = await book(token, show, cancelled);
      assert.equal((await apiCall('DELETE', `/bookings/${gone.booking_id}`, { token })).status, 200);
      const door = await book(token, show, used);
      assert.equal((await apiCall('POST', '/checkin', { token: adminToken, body: { code: door.ticket_code } })).status, 200);

      for (const [round, colorScheme] of SCHEMES.entries()) {
        const { context, page } = await openPage(browser, { colorScheme, viewport: { width: 1200, height: 900 } });
        const held = mine[round]; // a seat of its own each round: the last round's may still be held
        try {
          await signInViaPage(page, user);
          await chooseShow(page, movie.id, show.id);
          await waitForLive(page);
          await page.locator('#bookings .badge', { hasText: 'Checked in' }).waitFor();
          await page.locator('#bookings .badge', { hasText: 'Cancelled' }).waitFor();
          await seatButton(page, held.id).click();
          await waitForSeatLabel(page, held.id, /, held by you, /);
          // Holds last seconds on the test stack: the neighbour's is taken just before the run.
          await apiCall('DELETE', `/seats/${others.id}/lock`, { token: neighbourToken });
          assert.equal((await apiCall('PATCH', `/seats/${others.id}/lock`, { token: neighbourToken })).status, 200);
          await waitForSeatLabel(page, others.id, /, held by someone else$/, 2000);
          assert.deepEqual(await axeFindings(page), [], `${colorScheme} colour scheme`);
          for (const ratio of await stripedSeatContrast(page, others.id)) {
            assert.ok(ratio >= 4.5, `${colorScheme}: a striped seat's digits are ${ratio}:1 on a stripe`);
          }
        } finally {
          await context.close();
        }
      }
    });

  test('the register form with its field errors, and a show\'s waiting room, have no findings', async () => {
    const { movie, show } = await makeShow({ seats: 4, onSaleAt: Date.now() + 600_000, queueRate: 5 });
    const user = await registerUser('axe-queue');
    for (const colorScheme of SCHEMES) {
      const { context, page } = await openPage(browser, { colorScheme }, `/#movie=${movie.id}&show=${show.id}`);
      try {
        await page.locator('#register-name').fill('Axe Tester');
        await page.locator('#register-email').fill('no-at-sign');
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.locator('#register-email-error').waitFor();
        assert.deepEqual(await axeFindings(page), [], `register, ${colorScheme} colour scheme`);

        await signInViaPage(page, user);
        await page.locator('#queue-panel').waitFor();
        assert.deepEqual(await axeFindings(page), [], `waiting room, ${colorScheme} colour scheme`);
      } finally {
        await context.close();
      }
    }
  });

  test('the admin and check-in pages, signed in, have no findings', async () => {
    for (const [path, view] of [['/admin/', '#admin-view'], ['/checkin/', '#scan-view']]) {
      for (const colorScheme of SCHEMES) {
        const { context, page } = await openPage(browser, { colorScheme, viewport: { width: 1200, height: 900 } }, path);
        try {
          assert.deepEqual(await axeFindings(page), [], `${path} signed out, ${colorScheme}`);
          if (path === '/admin/') {
            await signInAdmin(page, admin);
            await page.locator('#show-list li').first().waitFor();
          } else {
            await page.locator('#sign-in-email').fill(admin.email);
            await page.locator('#sign-in-password').fill(admin.password);
            await page.getByRole('button', { name: 'Sign in', exact: true }).click();
          }
          await page.locator(view).waitFor();
          assert.deepEqual(await axeFindings(page), [], `${path} signed in, ${colorScheme}`);
        } finally {
          await context.close();
        }
      }
    }
  });
});
