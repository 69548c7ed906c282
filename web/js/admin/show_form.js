// The form that adds a show. Its times are typed on the clocks of the chosen theatre
// (whatever zone this browser is in) and sent as UTC; under each time field the page
// says which instant that is, and refuses a wall time the zone skips.

import { serverNow } from '../api.js';
import { formatShowTime, localTimeZone, plural } from '../format.js';
import { withBusyButton } from '../forms.js';
import { formatMoney, minorDigits, parseMoney } from '../money.js';
import { option, refillSelect } from './dom.js';
import { isKnownTimeZone, zonedToUtc } from './zoned_time.js';

const MAX_PRICE_MINOR = 10_000_000;
const MAX_QUEUE_RATE = 10_000;

const utcFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});

/** RFC 3339 in UTC without the zero milliseconds toISOString adds. */
function rfc3339(ms) {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Reads a datetime-local value on `zone`'s clocks: {ms} or {error} in words; {} when
 * empty. An hour read twice (clocks going back) is taken at its first reading, and said.
 */
export function readZonedTime(value, zone) {
  if (!value) return {};
  if (!isKnownTimeZone(zone)) return { error: `This browser does not know the time zone ${zone}.` };
  const t = zonedToUtc(value, zone);
  if (t.invalid) return { error: 'That is not a date and time.' };
  if (t.gap) return { error: `The clocks in ${zone} skip that time (they go forward); choose another.` };
  const note = t.ambiguous ? ` The clocks in ${zone} read this time twice; this is the first.` : '';
  return { ms: t.ms, note };
}

/** The show form; fed the movies, theatres and the service's currency by the page. */
export function createShowForm(ctx) {
  const $ = (id) => document.getElementById(id);
  const form = $('show-form');
  const movie = $('show-movie');
  const theatre = $('show-theatre');
  const time = $('show-time');
  const timeCheck = $('show-time-check');
  const onSale = $('show-on-sale');
  const onSaleCheck = $('show-on-sale-check');
  const price = $('show-price');
  const queueRate = $('show-queue-rate');
  let theatres = [];
  let currency = ''; // learnt from any show the server answers with (a setting, CURRENCY)

  const chosenTheatre = () => theatres.find((t) => String(t.id) === theatre.value) || null;
  const zoneOf = (t) => (t ? t.timezone : 'UTC');

  /** Under a time field: the instant typed, in UTC and on this browser's clock. */
  function explain(input, check) {
    const zone = zoneOf(chosenTheatre());
    const t = readZonedTime(input.value, zone);
    if (t.error) {
      check.textContent = t.error;
    } else if (t.ms === undefined) {
      check.textContent = input === onSale ? 'Empty: on sale as soon as it is added.' : '';
    } else {
      const here = localTimeZone() === zone ? '' : `, ${formatShowTime(rfc3339(t.ms), localTimeZone())} here`;
      check.textContent = `That is ${utcFormat.format(t.ms)} UTC${here}.${t.note}`;
    }
  }

  function refreshHints() {
    $('show-time-zone').textContent = `(on the clocks of ${zoneOf(chosenTheatre())})`;
    $('show-price-currency').textContent = currency
      ? `(${currency})` : "(in the service's currency)";
    explain(time, timeCheck);
    explain(onSale, onSaleCheck);
  }

  /** The form as the API's fields, or null after saying which field is wrong. */
  function readForm() {
    const t = chosenTheatre();
    if (!movie.value) return ctx.refuse(movie, 'Choose a movie (add one under Movies first).');
    if (!t) return ctx.refuse(theatre, 'Choose a theatre (add one under Theatres first).');
    const zone = zoneOf(t);
    const start = readZonedTime(time.value, zone);
    if (start.error || start.ms === undefined) {
      return ctx.refuse(time, start.error || `Enter when the show starts, on the clocks of ${zone}.`);
    }
    if (start.ms <= serverNow()) return ctx.refuse(time, 'The show must start in the future.');
    const sale = readZonedTime(onSale.value, zone);
    if (sale.error) return ctx.refuse(onSale, sale.error);
    if (sale.ms !== undefined && sale.ms > start.ms) {
      return ctx.refuse(onSale, 'Tickets must go on sale before the show starts.');
    }
    const priceMinor = parseMoney(price.value, currency);
    if (priceMinor === null || priceMinor > MAX_PRICE_MINOR) {
      const example = (12).toFixed(minorDigits(currency));
      return ctx.refuse(price, `Enter the price a seat as an amount like ${example}, ` +
        `at most ${(MAX_PRICE_MINOR / 10 ** minorDigits(currency)).toFixed(0)}.`);
    }
    const rate = Number(queueRate.value);
    if (!Number.isInteger(rate) || rate < 0 || rate > MAX_QUEUE_RATE) {
      return ctx.refuse(queueRate, `The waiting room admits a whole number of people a second, 0 to ${MAX_QUEUE_RATE}.`);
    }
    const show = {
      movie_id: Number(movie.value), theatre_id: t.id, time: rfc3339(start.ms),
      price_cents: priceMinor, queue_rate: rate,
    };
    if (sale.ms !== undefined) show.on_sale_at = rfc3339(sale.ms);
    return show;
  }

  async function save() {
    const fields = readForm();
    if (!fields) return;
    let show;
    try {
      show = await ctx.api.createShow(fields);
    } catch (err) {
      ctx.report(err, 'Could not add the show:');
      return;
    }
    if (show.currency) currency = show.currency;
    const title = movie.selectedOptions[0]?.textContent || `movie ${show.movie_id}`;
    ctx.say(`Added show ${show.id}: ${title}, ${formatShowTime(show.time, show.timezone)} at ` +
      `${show.theatre}, ${plural(show.capacity, 'seat')} at ${formatMoney(show.price_cents, show.currency)}.`,
    'success');
    time.value = '';
    onSale.value = '';
    refreshHints();
    ctx.changed('show');
  }

  form.addEventListener('submit', withBusyButton(form, save));
  theatre.addEventListener('change', refreshHints);
  time.addEventListener('input', () => explain(time, timeCheck));
  onSale.addEventListener('input', () => explain(onSale, onSaleCheck));

  return {
    setMovies(movies) {
      refillSelect(movie, movies.map((m) => option(m.id, m.title)));
    },
    setTheatres(list) {
      theatres = list;
      refillSelect(theatre, list.map((t) => option(t.id, `${t.name} (${t.timezone}, ${plural(t.capacity, 'seat')})`)));
      refreshHints();
    },
    setCurrency(code) {
      if (code) currency = code;
      refreshHints();
    },
  };
}
