// Prices are integers in the currency's minor unit (API: price_cents, total_cents,
// revenue_cents); the currency's own number of decimals decides what one unit is.

const moneyFormats = new Map(); // currency -> Intl.NumberFormat

function moneyFormat(currency) {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

/** Decimals of `currency`'s minor unit: 2 for USD and EUR, 0 for JPY; 2 when unknown. */
export function minorDigits(currency) {
  try {
    return moneyFormat(currency).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

/**
 * "$12.50" for (1250, "USD"); "12.50 XYZ" for a code this browser does not know; '' when
 * either is missing (an answer from a server that has no prices yet).
 */
export function formatMoney(minor, currency) {
  if (!Number.isInteger(minor) || typeof currency !== 'string' || !currency) return '';
  const digits = minorDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return moneyFormat(currency).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency || ''}`.trim();
  }
}

/**
 * Reads a price typed by a person ("12", "12.5", "12.50") as minor units of `currency`,
 * without floating point (0.1 + 0.2 must not be a cent off). Null when it is not a
 * plain non-negative amount with at most the currency's decimals.
 */
export function parseMoney(text, currency) {
  const digits = minorDigits(currency);
  const m = /^(\d{1,9})(?:[.,](\d*))?$/.exec(String(text).trim());
  if (!m || (m[2] || '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] || '').padEnd(digits, '0') || 0);
}
