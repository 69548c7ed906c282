// Countdown helpers for seat holds. Times are compared against the server's clock
// (serverNow), because the database decides when a hold has lapsed.

import { serverNow } from './api.js';

/** Milliseconds left until `expiresAt` (an RFC 3339 string), never below zero. */
export function remainingMs(expiresAt) {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, end - serverNow());
}

/** "4:32" for 272 s; "1:02:05" past an hour. Rounds up so 0:00 means really over. */
export function formatRemaining(ms) {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Calls `onTick` once a second, aligned to the wall clock so every countdown on the
 * page changes together. Returns a function that stops it.
 */
export function startTicker(onTick) {
  let timer = 0;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      onTick();
      schedule();
    }, 1000 - (Date.now() % 1000) + 5);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
