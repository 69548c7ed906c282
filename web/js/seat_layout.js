// Where each seat of a theatre's rows sits on screen: one grid for every row, as wide as
// the widest row, with an aisle down the middle and shorter rows centred. Shared by the
// seat picker's map and the admin page's preview, so a theatre looks the same in both.

const SEAT = 'minmax(32px, 1fr)'; // a fingertip's target on a phone; narrower maps scroll
const LABEL = '1rem';
const AISLE = 'clamp(4px, 2vw, 14px)';
const SEAT_WIDTH_PX = 52; // a comfortable seat on a wide screen, gaps included

/** The grid for rows of these lengths: {columns (CSS), maxWidth (CSS), widest, left}. */
export function gridShape(rowLengths) {
  const widest = Math.max(1, ...rowLengths);
  const left = Math.ceil(widest / 2);
  const right = widest - left;
  const blocks = [LABEL, `repeat(${left}, ${SEAT})`];
  if (right > 0) blocks.push(AISLE, `repeat(${right}, ${SEAT})`);
  blocks.push(LABEL);
  return { columns: blocks.join(' '), maxWidth: `${Math.max(6, widest) * SEAT_WIDTH_PX}px`, widest, left };
}

/** The grid column (1-based) of the `index`-th seat (0-based) of a row of `rowLength`. */
export function seatColumn(shape, rowLength, index) {
  const slot = Math.floor((shape.widest - rowLength) / 2) + index + 1;
  return slot <= shape.left ? slot + 1 : slot + 2;
}

/** The grid column of the row label after the seats. */
export function endLabelColumn(shape) {
  return shape.widest > shape.left ? shape.widest + 3 : shape.widest + 2;
}

/**
 * Lays out `container`'s rows: sets the shared columns on it and places each seat and the
 * closing label. `rows` is [{line: the row element, seats: [its seat elements in order],
 * end: its closing label}].
 */
export function applyLayout(container, rows) {
  const shape = gridShape(rows.map((r) => r.seats.length));
  container.style.setProperty('--seat-columns', shape.columns);
  container.style.maxWidth = shape.maxWidth;
  for (const { seats, end } of rows) {
    seats.forEach((seat, i) => { seat.style.gridColumnStart = String(seatColumn(shape, seats.length, i)); });
    if (end) end.style.gridColumnStart = String(endLabelColumn(shape));
  }
  return shape;
}
