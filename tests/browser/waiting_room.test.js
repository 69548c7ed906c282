// The waiting room in a real browser against the real stack: a show with queue_rate > 0
// counts down to its sale, lets a signed-in person join before it, asks for their place
// again only when the server's Retry-After says (for a lone joiner the first whole second
// after on_sale_at, plus the page's 0-1 s; then never once admitted),
// lets them hold and book in their turn, counts the turn down and says when it ended; a
// lock refused with not_admitted shows the server's words.
// Run: ./run.sh waiting_room.test.js with the test stack's ADMISSION_SECONDS=6 (the show is
// made with the admin of CONTRACT_ADMIN_EMAIL/PASSWORD, or one made with scripts/stack role).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SEES_CHANGE_MS, artifactPath, launchBrowser, makeShow, openPage, registerUser, seatButton, signInViaPage,
  statusText, waitForSeatLabel, waitForStack,
} from './support.js';

const ADMISSION_SECONDS = Number(process.env.ADMISSION_SECONDS || 6);
const SALE_IN_MS = 8000;
// A lone joiner is told to ask at the first whole second after on_sale_at (up to 1 s
// after it); the page adds its uniform 0-1 s.
const ASK_WINDOW_MS = 2000;
const HELD_BY_ME = /, held by you, \d+:\d\d left$/;

describe('waiting room', () => {
  let browser;

  before(async () => {
    await waitForStack();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  test('join before the sale, wait for the draw, hold and book in one\'s turn, then the turn ends',
    async (t) => {
      if (ADMISSION_SECONDS > 30) {
        t.skip(`ADMISSION_SECONDS=${ADMISSION_SECONDS} is too long to wait for; the test stack uses 6`);
        return;
      }
      const onSaleAt = Math.ceil((Date.now() + SALE_IN_MS) / 1000) * 1000;
      const { movie, show } = await makeShow({ seats: 4, onSaleAt, queueRate: 1 });
      const [user, latecomer] = await Promise.all([registerUser('queue'), registerUser('no-queue')]);
      const at = `/#movie=${movie.id}&show=${show.id}`;
      const { context, page } = await openPage(browser, {}, at);
      const asks = []; // {method, at} of the page's requests for its place
      page.on('request', (req) => {
        if (new URL(req.url()).pathname === `/api/v1/shows/${show.id}/queue`) asks.push({ method: req.method(), at: Date.now() });
      });
      const panel = page.locator('#queue-panel');
      const seats = page.locator('#seat-map button.seat');
      try {
        await signInViaPage(page, user);
        await page.waitForFunction(() => document.querySelectorAll('#seat-map button.seat').length === 4);
        await panel.waitFor();
        assert.match(await page.locator('#queue-countdown').innerText(), /^The sale opens in 0:0\d\.$/);
        const joinButton = page.getByRole('button', { name: 'Join the queue' });
        assert.ok(await joinButton.isVisible());

        // Before the sale a hold is refused, in words.
        await seats.nth(0).click();
        await page.locator('#status .status-error', { hasText: 'Could not hold the seat: This show goes on sale at' }).waitFor();

        await joinButton.click();
        await panel.getByText('You are in the queue. Your place is drawn at random').waitFor();
        assert.ok(await joinButton.isHidden(), 'no Join once in the queue');
        assert.match(await statusText(page), /You are in the queue for this show/);
        const joinedAt = Date.now();
        await panel.screenshot({ path: artifactPath('waiting-room.png') });

        await panel.getByText('It is your turn').waitFor({ timeout: SALE_IN_MS + ASK_WINDOW_MS + 3000 });
        const gets = asks.filter((a) => a.method === 'GET' && a.at > joinedAt);
        assert.equal(gets.length, 1, `one ask after joining, at the sale: ${JSON.stringify(asks)}`);
        assert.ok(gets[0].at >= onSaleAt - 50 && gets[0].at <= onSaleAt + ASK_WINDOW_MS + 500,
          `asked ${gets[0].at - onSaleAt} ms after on_sale_at`);
        assert.match(await page.locator('#queue-countdown').innerText(), /^Your turn ends in 0:0\d\.$/);
        assert.match(await statusText(page), /It is your turn/);

        // In the turn: hold and book.
        const seatId = Number(await seats.nth(1).getAttribute('data-seat-id'));
        await seats.nth(1).click();
        await waitForSeatLabel(page, seatId, HELD_BY_ME);
        await page.locator('#book-button').click();
        await page.locator('#status .status-success', { hasText: 'Booked' }).waitFor({ timeout: SEES_CHANGE_MS });

        // The turn ends by the clock, with no further ask; then a hold is refused with the
        // server's not_admitted words.
        await panel.getByText('Your turn has ended').waitFor({ timeout: ADMISSION_SECONDS * 1000 + 2000 });
        assert.ok(Date.now() >= onSaleAt + ADMISSION_SECONDS * 1000 - 100, 'the turn lasted ADMISSION_SECONDS');
        await seats.nth(2).click();
        await page.locator('#status .status-error', { hasText: /^Could not hold the seat: Your admission .*ended at/ })
          .waitFor();
        assert.equal(asks.filter((a) => a.method === 'GET' && a.at > gets[0].at).length, 0,
          'no ask once admitted');
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }

      // Someone who never joined is told to.
      const late = await openPage(browser, {}, at);
      try {
        await signInViaPage(late.page, latecomer);
        await late.page.waitForFunction(() => document.querySelectorAll('#seat-map button.seat').length === 4);
        assert.ok(await late.page.getByRole('button', { name: 'Join the queue' }).isVisible());
        await late.page.locator('#seat-map button.seat').nth(3).click();
        await late.page.locator('#status .status-error',
          { hasText: 'Could not hold the seat: Join the queue for this show first' }).waitFor();
        assert.deepEqual(late.page.errors, []);
      } finally {
        await late.context.close();
      }
    });
});
