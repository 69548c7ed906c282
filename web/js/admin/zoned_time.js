// Wall-clock times in a named time zone (a theatre's), with nothing but Intl: a show is
// entered and shown in the theatre's own time, whatever zone the operator's browser is in.

const partsFormats = new Map(); // zone -> Intl.DateTimeFormat (building one is slow)

function partsFormat(timeZone) {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23', // "24:00" for midnight otherwise, in some engines
      year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** True when this browser knows `timeZone` as an IANA name (e.g. "Europe/Berlin"). */
export function isKnownTimeZone(timeZone) {
  if (typeof timeZone !== 'string' || !timeZone) return false;
  try {
    partsFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at instant `ms`: {year, month, day, hour, minute, second}. */
export function wallClockAt(ms, timeZone) {
  const out = {};
  for (const { type, value } of partsFormat(timeZone).formatToParts(ms)) {
    if (type !== 'literal') out[type] = Number(value);
  }
  return {
    year: out.year, month: out.month, day: out.day,
    hour: out.hour, minute: out.minute, second: out.second,
  };
}

// A wall clock read as if it were UTC: lets two wall clocks be compared and subtracted.
function wallAsUtc(w) {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second || 0);
}

/** How far `timeZone` is ahead of UTC at instant `ms`, in ms. */
export function offsetAt(ms, timeZone) {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallClockAt(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the clocks of `timeZone` read the wall time `local`
 * ("YYYY-MM-DDTHH:MM", as a datetime-local input gives it, seconds optional).
 * Answers {ms} for an ordinary time; {ms, ambiguous: true} when the clocks read it twice
 * (the hour after clocks go back: the first, earlier reading is taken); {gap: true} when
 * the clocks never read it (skipped when they go forward); {invalid: true} for text that
 * is no such wall time.
 */
export function zonedToUtc(local, timeZone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(local || ''));
  if (!m) return { invalid: true };
  const wall = {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
    hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] || 0),
  };
  const asUtc = wallAsUtc(wall);
  const check = new Date(asUtc);
  if (check.getUTCMonth() + 1 !== wall.month || check.getUTCDate() !== wall.day ||
      wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return { invalid: true };
  }
  // Zones change their offset at most once within a day or so of any time, so the offsets
  // a day before and a day after are the only ones this wall time can have been read with.
  const candidates = new Set([asUtc - offsetAt(asUtc - DAY_MS, timeZone),
    asUtc - offsetAt(asUtc + DAY_MS, timeZone)]);
  const readings = [...candidates]
    .filter((ms) => wallAsUtc(wallClockAt(ms, timeZone)) === asUtc)
    .sort((a, b) => a - b);
  if (readings.length === 0) return { gap: true };
  return readings.length > 1 ? { ms: readings[0], ambiguous: true } : { ms: readings[0] };
}
