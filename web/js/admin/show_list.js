// The shows, each with its report (sold, held, bookings, revenue) re-read every few
// seconds, and the way to cancel one. Cards are updated in place, so a keyboard user's
// focus on a button survives every refresh.

import { serverNow } from '../api.js';
import { formatShowTime, plural } from '../format.js';
import { formatMoney } from '../money.js';
import { h } from './dom.js';

const REPORT_MS = 4000;
const PARALLEL_REPORTS = 4; // a long list is read a few at a time, not all at once

// What a report card shows, in order: [field, label, how to show the value].
const REPORT_FIELDS = [
  ['capacity', 'Seats', String],
  ['sold', 'Sold', String],
  ['held', 'Held', String],
  ['available', 'Available', String],
  ['bookings', 'Bookings', String],
  ['cancelled_bookings', 'Cancelled bookings', String],
  ['checked_in', 'Checked in', String],
  ['revenue_cents', 'Revenue', (v, r) => formatMoney(v, r.currency)],
];

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited(items, limit, fn) {
  const queue = [...items];
  const lane = async () => {
    while (queue.length) await fn(queue.shift());
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, lane));
}

/** The shows section. `load()` resolves false when the list could not be read. */
export function createShowList(ctx) {
  const $ = (id) => document.getElementById(id);
  const listEl = $('show-list');
  const filter = $('shows-filter');
  const empty = $('shows-empty');
  const updated = $('reports-updated');
  const heading = $('shows-heading');
  let shows = [];
  let minutesOf = new Map(); // movie id -> duration, for "is it over?"
  const reports = new Map(); // show id -> last report
  const cards = new Map(); // show id -> {li, values: Map field -> dd, badge, cancel}
  let timer = 0;
  let polling = false; // a round of report reads is out

  const endOf = (s) => Date.parse(s.time) + (minutesOf.get(s.movie_id) || 0) * 60_000;

  function visible() {
    const now = serverNow();
    switch (filter.value) {
      case 'cancelled': return shows.filter((s) => s.status === 'CANCELLED');
      case 'all': return shows;
      default: return shows.filter((s) => s.status !== 'CANCELLED' && endOf(s) > now);
    }
  }

  function stateText(s) {
    const now = serverNow();
    if (s.status === 'CANCELLED') return 'Cancelled';
    if (Date.parse(s.time) <= now) return endOf(s) > now ? 'Running' : 'Over';
    if (s.on_sale_at && Date.parse(s.on_sale_at) > now) {
      return `On sale from ${formatShowTime(s.on_sale_at, s.timezone)}`;
    }
    return 'On sale';
  }

  function buildCard(s) {
    const values = new Map();
    const report = h('dl', { className: 'report', attrs: { 'aria-label': `Report for show ${s.id}` } },
      REPORT_FIELDS.map(([field, label]) => {
        const dd = h('dd', { dataset: { field } }, '…');
        values.set(field, dd);
        return h('div', { className: 'report-item' }, h('dt', { textContent: label }), dd);
      }));
    const badge = h('span', { className: 'badge' });
    const when = formatShowTime(s.time, s.timezone);
    const details = [
      `${formatMoney(s.price_cents, s.currency)} a seat`,
      s.queue_rate ? `waiting room admits ${s.queue_rate} a second` : 'no waiting room',
    ].filter(Boolean).join(' · ');
    const li = h('li', { className: 'show-card', dataset: { showId: String(s.id) } },
      h('div', { className: 'show-head' },
        h('h3', { className: 'show-title', textContent: s.movie_title || `Movie ${s.movie_id}` }), ' ', badge),
      h('p', { className: 'show-when', textContent: `${when} · ${[s.theatre, s.location].filter(Boolean).join(', ')} · show ${s.id}` }),
      h('p', { className: 'hint', textContent: details }),
      report);
    let cancel = null;
    if (s.status !== 'CANCELLED') {
      cancel = h('button', {
        type: 'button', className: 'secondary danger', textContent: 'Cancel show',
        attrs: { 'aria-label': `Cancel show ${s.id}, ${s.movie_title}, ${when}` },
      });
      cancel.addEventListener('click', () => cancelShow(s, cancel));
      li.append(cancel);
    }
    return { li, values, badge, cancel, status: s.status };
  }

  function fillCard(card, s) {
    card.badge.textContent = stateText(s);
    card.li.dataset.status = s.status;
    const r = reports.get(s.id);
    if (!r) return;
    for (const [field, , show] of REPORT_FIELDS) {
      const dd = card.values.get(field);
      const text = show(r[field], r);
      if (dd.textContent !== text) dd.textContent = text;
      dd.dataset.value = String(r[field]);
    }
  }

  function render() {
    const list = visible();
    empty.hidden = list.length > 0;
    const items = list.map((s) => {
      let card = cards.get(s.id);
      if (!card || card.status !== s.status) {
        card = buildCard(s);
        cards.set(s.id, card);
      }
      fillCard(card, s);
      return card.li;
    });
    const same = items.length === listEl.children.length && items.every((li, i) => listEl.children[i] === li);
    if (!same) listEl.replaceChildren(...items);
  }

  async function readReport(s) {
    try {
      reports.set(s.id, await ctx.api.report(s.id));
      return true;
    } catch (err) {
      if (err.status === 401 || err.status === 403) ctx.report(err);
      return false;
    }
  }

  /** One round: re-reads the reports of the listed shows that can still change. */
  async function refreshReports() {
    if (polling || document.hidden) return;
    polling = true;
    try {
      // A cancelled show's report no longer changes: read once.
      const due = visible().filter((s) => s.status !== 'CANCELLED' || !reports.has(s.id));
      let failed = 0;
      await eachLimited(due, PARALLEL_REPORTS, async (s) => {
        if (!(await readReport(s))) failed += 1;
      });
      render();
      updated.textContent = failed
        ? `${plural(failed, 'report')} could not be read at ${clockFormat.format(Date.now())}; trying again.`
        : `Reports refresh on their own every ${REPORT_MS / 1000} seconds; last at ${clockFormat.format(Date.now())}.`;
    } finally {
      polling = false;
    }
  }

  async function load() {
    let fresh;
    try {
      fresh = await ctx.api.shows();
    } catch (err) {
      ctx.report(err, 'Could not load the shows:');
      return false;
    }
    // A show whose status changed (cancelled) needs its report read again, even if final.
    const before = new Map(shows.map((s) => [s.id, s.status]));
    for (const s of fresh) if (before.has(s.id) && before.get(s.id) !== s.status) reports.delete(s.id);
    shows = fresh;
    render();
    refreshReports();
    return true;
  }

  /** Cancels `s` once the admin has confirmed, in words, how many bookings go with it. */
  async function cancelShow(s, button) {
    button.disabled = true;
    try {
      if (!(await readReport(s))) {
        ctx.say(`Could not read show ${s.id}'s report, so it was not cancelled. Try again.`, 'error');
        return;
      }
      const r = reports.get(s.id);
      fillCard(cards.get(s.id), s);
      const question = `Cancel show ${s.id}, ${s.movie_title}, ${formatShowTime(s.time, s.timezone)} at ` +
        `${s.theatre}?\n\nThis cancels ${plural(r.bookings, 'booking')} (${plural(r.sold, 'seat')} sold, ` +
        `${formatMoney(r.revenue_cents, r.currency)}) and lets go of ${plural(r.held, 'held seat')}. ` +
        'Each customer is told by e-mail. This cannot be undone.';
      if (!window.confirm(question)) {
        ctx.say(`Show ${s.id} was not cancelled.`, 'info');
        return;
      }
      let answer;
      try {
        answer = await ctx.api.cancelShow(s.id);
      } catch (err) {
        ctx.report(err, `Could not cancel show ${s.id}:`);
        return;
      }
      const late = answer.bookings_cancelled !== r.bookings ? ' (bookings changed while you confirmed)' : '';
      ctx.say(`Show ${s.id} is cancelled, and with it ${plural(answer.bookings_cancelled, 'booking')}${late}.`,
        'success');
      heading.focus(); // the card and its button are about to go
      ctx.changed('show');
    } finally {
      button.disabled = false;
    }
  }

  filter.addEventListener('change', () => {
    render();
    refreshReports();
  });
  $('shows-refresh').addEventListener('click', () => load());
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && timer) refreshReports();
  });

  return {
    load,
    start() {
      clearInterval(timer);
      timer = setInterval(refreshReports, REPORT_MS);
    },
    stop() {
      clearInterval(timer);
      timer = 0;
      shows = [];
      reports.clear();
      cards.clear();
      listEl.replaceChildren();
    },
    setMovies(movies) {
      minutesOf = new Map(movies.map((m) => [m.id, m.duration_mins]));
      render();
    },
    currency: () => shows.find((s) => s.currency)?.currency || '',
  };
}
