// The theatre form's row editor: one line per row (its name and number of seats), and a
// preview of the seat grid redrawn on every keystroke, laid out as the seat picker will.

import { applyLayout } from '../seat_layout.js';
import { plural } from '../format.js';
import { h } from './dom.js';

export const MAX_ROWS = 26;
export const MAX_SEATS = 50;
const ROW_NAME = /^[A-Z]{1,2}$/;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Reads and checks rows: {rows: [{row, seats}], problems: [{index, field, message}]}. */
export function checkRows(entries) {
  const problems = [];
  const seen = new Map();
  entries.forEach(({ row, seats }, index) => {
    const n = index + 1;
    if (!ROW_NAME.test(row)) {
      problems.push({ index, field: 'row', message: `Row ${n} needs a name of 1 or 2 capital letters (A to Z).` });
    } else if (seen.has(row)) {
      problems.push({ index, field: 'row', message: `Rows ${seen.get(row) + 1} and ${n} are both called ${row}.` });
    } else {
      seen.set(row, index);
    }
    if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS) {
      problems.push({ index, field: 'seats', message: `Row ${n} needs 1 to ${MAX_SEATS} seats.` });
    }
  });
  if (entries.length === 0) problems.push({ index: -1, field: 'rows', message: 'A theatre needs at least one row.' });
  return { rows: entries, problems };
}

/**
 * The editor over `list` (an <ol>), drawing into `preview` and summing up in `summary`.
 * Answers {read(), reset(), layout(rows, seats), focusProblem(problem)}.
 */
export function createRowEditor({ list, preview, summary, addButton }) {
  let nextId = 0; // ids for the inputs' labels, unique for the page's life

  function renumber() {
    [...list.children].forEach((li, i) => {
      for (const span of li.querySelectorAll('.row-number')) span.textContent = ` of row ${i + 1}`;
      const name = li.querySelector('.row-name').value || `${i + 1}`;
      li.querySelector('.row-remove').setAttribute('aria-label', `Remove row ${name}`);
    });
    addButton.disabled = list.children.length >= MAX_ROWS;
  }

  function rowLine(row, seats) {
    const id = nextId++;
    const nameInput = h('input', {
      id: `row-name-${id}`, className: 'row-name', type: 'text', value: row, maxLength: 2,
      autocomplete: 'off', spellcheck: false, attrs: { autocapitalize: 'characters' },
    });
    const seatsInput = h('input', {
      id: `row-seats-${id}`, className: 'row-seats', type: 'number', value: String(seats),
      min: '1', max: String(MAX_SEATS), step: '1',
    });
    const remove = h('button', { type: 'button', className: 'link-button row-remove', textContent: 'Remove' });
    const li = h('li', { className: 'row-line' },
      h('label', { htmlFor: nameInput.id }, 'Name', h('span', { className: 'visually-hidden row-number' })),
      nameInput,
      h('label', { htmlFor: seatsInput.id }, 'Seats', h('span', { className: 'visually-hidden row-number' })),
      seatsInput,
      remove);
    nameInput.addEventListener('input', () => {
      // Row names are capitals; typing "a" means "A".
      const upper = nameInput.value.toUpperCase();
      if (upper !== nameInput.value) nameInput.value = upper;
    });
    remove.addEventListener('click', () => {
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      changed();
      (next ? next.querySelector('.row-name') : addButton).focus();
    });
    return li;
  }

  function read() {
    return [...list.children].map((li) => ({
      row: li.querySelector('.row-name').value.trim(),
      seats: Number(li.querySelector('.row-seats').value),
    }));
  }

  /** Redraws the preview and the summary from what the inputs say now. */
  function draw() {
    const { rows, problems } = checkRows(read());
    const bad = new Set(problems.map((p) => `${p.index}:${p.field}`));
    [...list.children].forEach((li, i) => {
      for (const field of ['row', 'seats']) {
        const input = li.querySelector(field === 'row' ? '.row-name' : '.row-seats');
        if (bad.has(`${i}:${field}`)) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    });
    const drawable = rows.filter((r) => Number.isInteger(r.seats) && r.seats >= 1 && r.seats <= MAX_SEATS);
    const placed = drawable.map((r) => {
      const seats = Array.from({ length: r.seats },
        (_, i) => h('span', { className: 'seat seat-available preview-seat', textContent: String(i + 1) }));
      const end = h('span', { className: 'row-label', textContent: r.row || '?' });
      const line = h('div', { className: 'seat-row' },
        h('span', { className: 'row-label', textContent: r.row || '?' }), seats, end);
      return { line, seats, end };
    });
    applyLayout(preview, placed);
    preview.replaceChildren(...placed.map((p) => p.line));
    const capacity = drawable.reduce((sum, r) => sum + r.seats, 0);
    const total = `${plural(rows.length, 'row')}, ${plural(capacity, 'seat')}.`;
    summary.textContent = problems.length ? `${total} ${problems[0].message}` : total;
  }

  function changed() {
    renumber();
    draw();
  }

  /** Replaces the rows with `count` rows A, B, C… of `seats` seats each. */
  function layout(count, seats) {
    list.replaceChildren(...Array.from({ length: count }, (_, i) => rowLine(LETTERS[i], seats)));
    changed();
  }

  function addRow() {
    const rows = read();
    if (rows.length >= MAX_ROWS) return;
    const used = new Set(rows.map((r) => r.row));
    const name = [...LETTERS].find((l) => !used.has(l)) || '';
    const last = rows[rows.length - 1];
    const li = rowLine(name, last && Number.isInteger(last.seats) ? last.seats : 10);
    list.append(li);
    changed();
    li.querySelector('.row-name').focus();
  }

  function focusProblem(problem) {
    const li = list.children[problem.index];
    const target = li ? li.querySelector(problem.field === 'row' ? '.row-name' : '.row-seats') : addButton;
    target.focus();
  }

  list.addEventListener('input', changed);
  addButton.addEventListener('click', addRow);
  return { read, layout, reset: () => layout(5, 10), focusProblem };
}
