// Words and dates for people: show times in the viewer's own time zone.

const showTimeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** "Tue 21 May, 19:30" in the viewer's local time. */
export function formatShowTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 'time unknown' : showTimeFormat.format(t);
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
