// A booking's ticket in My bookings: its QR code (fetched with the token, see
// ticket_images.js) and the same code as text in groups of four, for a person to read out
// when a screen cannot be scanned. Only a confirmed booking has a ticket that admits.

import { formatShowTime, listNames } from './format.js';
import { groupCode } from './ticket_code.js';

// Shown at this size whatever the PNG's own: big enough for a door scanner from a phone,
// small enough to sit beside the code at 320 px. The PNG's own pixels stay square (CSS).
const QR_CSS_PX = 168;

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined) n.textContent = text;
  return n;
}

/** The words under a booking that cannot admit (cancelled, or already used), or null. */
function notValidNote(b) {
  if (b.status !== 'CONFIRMED') {
    return node('p', 'ticket-void', 'Not valid for entry: this booking is cancelled.');
  }
  if (b.checked_in_at) {
    return node('p', 'ticket-used',
      `Checked in ${formatShowTime(b.checked_in_at, b.timezone)}. This ticket has been used.`);
  }
  return null;
}

/** Whether booking `b` shows a QR code: a confirmed one, not yet used, that has a code. */
export function showsTicket(b) {
  return !notValidNote(b) && typeof b.ticket_code === 'string' && b.ticket_code !== '';
}

/**
 * The ticket of booking `b` as an element, or null when it has none to show. `images` is
 * the page's TicketImages; the QR appears when its PNG has loaded.
 */
export function bookingTicket(b, images) {
  if (!showsTicket(b)) return notValidNote(b);

  const figure = node('figure', 'ticket');
  const qr = node('div', 'ticket-qr');
  const waiting = node('p', 'hint ticket-qr-note', 'Loading the QR code…');
  const img = document.createElement('img');
  img.width = QR_CSS_PX;
  img.height = QR_CSS_PX;
  img.alt = `QR code of your ticket for ${b.movie_title}, ` +
    `${b.seats.length === 1 ? 'seat' : 'seats'} ${listNames(b.seats.map((s) => s.name))} ` +
    `(booking ${b.booking_id})`;
  img.hidden = true;
  img.decoding = 'async';
  const failed = () => {
    img.hidden = true;
    waiting.hidden = false;
    waiting.textContent = 'The QR code could not be loaded. The ticket code works at the door too.';
  };
  img.addEventListener('load', () => {
    img.hidden = false;
    waiting.hidden = true;
  });
  img.addEventListener('error', failed);
  images.url(b.booking_id).then((url) => { img.src = url; }, failed);
  qr.append(img, waiting);

  const caption = node('figcaption', 'ticket-caption');
  const label = node('span', 'ticket-code-label', 'Ticket code');
  const code = node('code', 'ticket-code', groupCode(b.ticket_code));
  code.dataset.code = b.ticket_code;
  const hint = node('span', 'hint', 'Show the QR code at the door, or read out this code.');
  caption.append(label, code, hint);
  figure.append(qr, caption);
  return figure;
}
