// Shared helpers for the browser tests: the real stack over HTTP, Debian's chromium
// driven by playwright-core, and small waits with deadlines (never bare sleeps).

import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.SEATS_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const HOLD_SECONDS = Number(process.env.HOLD_SECONDS || 5);
export const PASSWORD = 'browser-test-pw1';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = process.env.SEATS_ARTIFACTS || path.resolve(here, '..', '..', 'test-artifacts');

// The page polls every 3 s; allow a few polls plus a slow machine.
export const SEES_CHANGE_MS = 12_000;

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function artifactPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

// ------------------------------------------------------------------ the API, directly

/** Calls the API like any client would; resolves {status, body}. */
export async function apiCall(method, apiPath, { token, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${BASE_URL}/api/v1${apiPath}`, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: res.status, body: json };
}

/** Waits for GET /api/v1/health to answer 200, or throws naming the URL. */
export async function waitForStack(deadlineMs = 30_000) {
  const until = Date.now() + deadlineMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(`${BASE_URL}/api/v1/health`);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the stack at ${BASE_URL} is not healthy (${last}); start it with scripts/stack up ` +
    'or set SEATS_URL');
}

/** A fresh e-mail address no earlier run has used. */
export function uniqueEmail(tag) {
  return `browser-${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** Registers a user through the API; returns {email, password, name}. */
export async function registerUser(tag) {
  const user = { email: uniqueEmail(tag), password: PASSWORD, name: `Browser ${tag}` };
  const res = await apiCall('POST', '/register', { body: user });
  if (res.status !== 201) throw new Error(`register ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return user;
}

export async function loginToken(user) {
  const res = await apiCall('POST', '/login', { body: { email: user.email, password: user.password } });
  if (res.status !== 200) throw new Error(`login ${user.email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}

function shuffle(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Finds a demo show (a demo theatre's 5 x 10 grid, on sale) starting at least an hour from
 * now with `count` AVAILABLE seats, read from the grid at test start (the database need
 * not be fresh). Shows other suites add have other layouts and may be cancelled while a
 * test runs, so they are left alone. Seats are chosen at random so parallel runs against
 * one stack rarely collide.
 */
export async function pickShowAndSeats(count) {
  const movies = await apiCall('GET', '/movies');
  if (movies.status !== 200) throw new Error(`GET /movies: ${movies.status}`);
  const soon = Date.now() + 3600_000;
  // The demo's 4 movies come first by id; other suites add hundreds, and asking for each
  // one's shows would run into the API rate limit.
  for (const movie of shuffle(movies.body.slice(0, 4))) {
    const shows = await apiCall('GET', `/movies/${movie.id}/shows`);
    if (shows.status !== 200) continue;
    const demo = (s) => s.theatre_id <= 2 && s.capacity === 50 && Date.parse(s.on_sale_at) <= Date.now();
    for (const show of shuffle(shows.body.filter((s) => Date.parse(s.time) > soon && demo(s)))) {
      const grid = await apiCall('GET', `/shows/${show.id}/seats`);
      if (grid.status !== 200) continue;
      const free = grid.body.filter((s) => s.status === 'AVAILABLE');
      if (free.length >= count) {
        return { movie, show, seats: shuffle(free).slice(0, count) };
      }
    }
  }
  throw new Error(`no future show has ${count} available seats`);
}

// ------------------------------------------------------------------ the page

/** A new context+page at `urlPath`; records page errors so a test can assert there were none. */
export async function openPage(browser, options = {}, urlPath = '/') {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (err) => page.errors.push(String(err)));
  page.on('console', (msg) => {
    // The browser logs every 4xx answer; those are expected here and shown to the person.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      page.errors.push(`console: ${msg.text()}`);
    }
  });
  await page.goto(`${BASE_URL}${urlPath}`);
  return { context, page };
}

export async function signInViaPage(page, user) {
  await page.locator('#sign-in-email').fill(user.email);
  await page.locator('#sign-in-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#auth-view').waitFor({ state: 'hidden' });
  await page.locator('#movie-select option').first().waitFor({ state: 'attached' });
}

export async function registerViaPage(page, user) {
  await page.locator('#register-name').fill(user.name);
  await page.locator('#register-email').fill(user.email);
  await page.locator('#register-password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#auth-view').waitFor({ state: 'hidden' });
}

/**
 * Picks the movie and the show in the page's selects and waits for all its seats (as many
 * as the API's grid has: theatres made on the admin page have their own sizes).
 */
export async function chooseShow(page, movieId, showId) {
  const grid = await apiCall('GET', `/shows/${showId}/seats`);
  if (grid.status !== 200) throw new Error(`GET /shows/${showId}/seats: ${grid.status}`);
  await page.locator(`#movie-select option[value="${movieId}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#movie-select', String(movieId));
  await page.locator(`#show-select option[value="${showId}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#show-select', String(showId));
  await page.waitForFunction((count) => document.querySelectorAll('#seat-map button.seat').length === count,
    grid.body.length, { timeout: 10_000 });
}

export function seatButton(page, seatId) {
  return page.locator(`#seat-map button.seat[data-seat-id="${seatId}"]`);
}

export async function seatLabelOf(page, seatId) {
  return seatButton(page, seatId).getAttribute('aria-label');
}

/** Waits until the seat's aria-label matches `pattern`; the error names what it last said. */
export async function waitForSeatLabel(page, seatId, pattern, timeout = SEES_CHANGE_MS) {
  try {
    await page.waitForFunction(([id, source, flags]) => {
      const b = document.querySelector(`#seat-map button.seat[data-seat-id="${id}"]`);
      return !!b && new RegExp(source, flags).test(b.getAttribute('aria-label') || '');
    }, [seatId, pattern.source, pattern.flags], { timeout, polling: 100 });
  } catch (err) {
    const label = await seatLabelOf(page, seatId).catch(() => '(no seat)');
    throw new Error(`seat ${seatId} never matched ${pattern} within ${timeout} ms; it says "${label}"`,
      { cause: err });
  }
}

/** Text of the status region (what a screen reader hears). */
export async function statusText(page) {
  return (await page.locator('#status').innerText()).trim();
}

/** Marks the window so a test can prove the page was never reloaded. */
export async function markWindow(page) {
  await page.evaluate(() => { window.__noReloadMarker = 'still-here'; });
}

export async function wasNotReloaded(page) {
  return page.evaluate(() => window.__noReloadMarker === 'still-here');
}

export async function sessionToken(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('seats.session') || '{}').token);
}

// ------------------------------------------------------------------ the admin page

const REPO_ROOT = path.resolve(here, '..', '..');
const run = promisify(execFile);

/**
 * An admin account: the one scripts/test made for this run (CONTRACT_ADMIN_EMAIL and
 * CONTRACT_ADMIN_PASSWORD, made with `scripts/stack role`, also handed into the node18
 * container), or else a new user made admin here the same way, for a run by hand against
 * a stack of this checkout (scripts/stack reads the same STACK_DIR and HTTP_PORT).
 */
export async function adminAccount() {
  const email = process.env.CONTRACT_ADMIN_EMAIL;
  const password = process.env.CONTRACT_ADMIN_PASSWORD;
  if (email && password) return { email, password, name: 'Contract Admin' };
  const user = await registerUser('admin');
  try {
    await run(path.join(REPO_ROOT, 'scripts', 'stack'), ['role', user.email, 'admin']);
  } catch (err) {
    throw new Error('no admin account: set CONTRACT_ADMIN_EMAIL and CONTRACT_ADMIN_PASSWORD, or run ' +
      `against this checkout's stack so that scripts/stack role works (${String(err.stderr || err).trim()})`);
  }
  return user;
}

/** Signs in on the admin page and waits for its sections. */
export async function signInAdmin(page, user) {
  await page.locator('#sign-in-email').fill(user.email);
  await page.locator('#sign-in-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('#admin-view').waitFor({ state: 'visible' });
  await page.locator('#auth-view').waitFor({ state: 'hidden' });
}

/** The text of the admin page's report field `field` (e.g. "sold") for show `showId`. */
export function reportValue(page, showId, field) {
  return page.locator(`#show-list li[data-show-id="${showId}"] dd[data-field="${field}"]`);
}

// ------------------------------------------------------------------ on-sale

/** RFC 3339 in UTC to the next whole second, as the admin API takes times. */
export function wholeSeconds(ms) {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * A show of its own (a new one-row theatre of `seats` seats, so it overlaps nothing and no
 * other suite picks it) for a demo movie, two days ahead, made through the admin API:
 * {movie, show, adminToken}. `onSaleAt` (ms) and `queueRate` as POST /admin/shows takes them.
 */
export async function makeShow({ seats = 6, onSaleAt = Date.now(), queueRate = 0 } = {}) {
  const adminToken = await loginToken(await adminAccount());
  const tag = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const theatre = await apiCall('POST', '/admin/theatres', {
    token: adminToken,
    body: { name: `Browser hall ${tag}`, location: 'Test street', timezone: 'UTC', rows: [{ row: 'A', seats }] },
  });
  if (theatre.status !== 201) throw new Error(`POST /admin/theatres: ${theatre.status} ${JSON.stringify(theatre.body)}`);
  const movie = (await apiCall('GET', '/movies')).body[0];
  const show = await apiCall('POST', '/admin/shows', {
    token: adminToken,
    body: {
      movie_id: movie.id, theatre_id: theatre.body.id, price_cents: 900, queue_rate: queueRate,
      time: wholeSeconds(Date.now() + 2 * 86400_000), on_sale_at: wholeSeconds(onSaleAt),
    },
  });
  if (show.status !== 201) throw new Error(`POST /admin/shows: ${show.status} ${JSON.stringify(show.body)}`);
  return { movie, show: show.body, adminToken };
}

/** Waits until the page's seat events are open (the seat section's data-live). */
export async function waitForLive(page, timeout = 10_000) {
  await page.locator('#seat-section[data-live="true"]').waitFor({ state: 'attached', timeout });
}

/**
 * Starts recording, in the page, when seat `seatId` next takes each state (data-state):
 * window.__seatSeen[state] = the epoch ms it was first seen in that state.
 */
export async function watchSeat(page, seatId) {
  await page.evaluate((id) => {
    window.__seatSeen = {};
    const button = document.querySelector(`#seat-map button.seat[data-seat-id="${id}"]`);
    new MutationObserver(() => {
      const state = button.getAttribute('data-state');
      if (!(state in window.__seatSeen)) window.__seatSeen[state] = performance.timeOrigin + performance.now();
    }).observe(button, { attributes: true, attributeFilter: ['data-state'] });
  }, seatId);
}

/** The epoch ms at which the page seat seen by watchSeat first took `state` (waits for it). */
export async function seatSeenAt(page, state, timeout = SEES_CHANGE_MS) {
  const handle = await page.waitForFunction((s) => window.__seatSeen?.[s], state, { timeout, polling: 50 });
  return handle.jsonValue();
}

/** The epoch ms at which the page last had the answer of a request whose URL ends with `suffix`. */
export async function answeredAt(page, suffix) {
  return page.evaluate((end) => {
    const entries = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(end));
    if (entries.length === 0) return null;
    return performance.timeOrigin + entries[entries.length - 1].responseEnd;
  }, suffix);
}

/** Records the page's GET .../shows/:id/seats requests: an array of their epoch ms. */
export function recordGridReads(page, showId) {
  const reads = [];
  page.on('request', (req) => {
    if (req.method() === 'GET' && new URL(req.url()).pathname === `/api/v1/shows/${showId}/seats`) reads.push(Date.now());
  });
  return reads;
}
