// Words and dates for people. A show's time is given in its theatre's time zone, named,
// so a customer abroad or an operator elsewhere reads the time on the cinema's clock.

const SHOW_TIME_OPTIONS = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
};
const showTimeFormats = new Map(); // zone -> Intl.DateTimeFormat

function showTimeFormat(timeZone) {
  let format = showTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { ...SHOW_TIME_OPTIONS, timeZone });
    showTimeFormats.set(timeZone, format);
  }
  return format;
}

/**
 * "Tue 21 May, 19:30 (Europe/Berlin)": the time on the clocks of `timeZone` (an IANA
 * name; the viewer's own zone when absent or unknown to this browser), and that zone.
 */
export function formatShowTime(iso, timeZone) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'time unknown';
  for (const zone of [timeZone, localTimeZone()]) {
    if (!zone) continue;
    try {
      return `${showTimeFormat(zone).format(t)} (${zone})`;
    } catch {
      // A zone this browser does not know: try the viewer's own.
    }
  }
  return showTimeFormat(undefined).format(t);
}

/** The viewer's time zone name, e.g. "Europe/Berlin". */
export function localTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
  } catch {
    return 'local time';
  }
}

/** "A1", "A1 and A2", "A1, A2 and B3". */
export function listNames(names) {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "1 seat", "3 seats". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
