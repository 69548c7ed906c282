// Theatres: the list, and the form that adds one with its time zone and row layout.

import { formatShowTime, plural } from '../format.js';
import { charCount, withBusyButton } from '../forms.js';
import { checkRows, createRowEditor, MAX_ROWS, MAX_SEATS } from './row_editor.js';
import { h } from './dom.js';
import { isKnownTimeZone } from './zoned_time.js';

const LIMITS = { name: 100, location: 200 };

function zoneNames() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return []; // an older browser: the field still takes any name the server knows
  }
}

/** The theatres section; `list()` answers the theatres as last loaded. */
export function createTheatres(ctx) {
  const $ = (id) => document.getElementById(id);
  const listEl = $('theatre-list');
  const form = $('theatre-form');
  const name = $('theatre-name');
  const location = $('theatre-location');
  const zone = $('theatre-timezone');
  const zoneCheck = $('theatre-timezone-check');
  const layoutRows = $('layout-rows');
  const layoutSeats = $('layout-seats');
  const editor = createRowEditor({
    list: $('row-editor'), preview: $('layout-preview'), summary: $('layout-summary'),
    addButton: $('row-add'),
  });
  let theatres = [];

  function render() {
    listEl.replaceChildren(...theatres.map((t) => h('li', { dataset: { theatreId: String(t.id) } },
      h('span', { className: 'item-title', textContent: [t.name, t.location].filter(Boolean).join(', ') }),
      h('span', {
        className: 'hint',
        textContent: ` ${t.timezone} · ${plural(t.rows.length, 'row')}, ${plural(t.capacity, 'seat')} · theatre ${t.id}`,
      }))));
  }

  /** Says under the field whether the zone is known, and what its clocks read now. */
  function checkZone() {
    const value = zone.value.trim();
    if (!value) {
      zoneCheck.textContent = 'Empty means UTC.';
    } else if (isKnownTimeZone(value)) {
      zoneCheck.textContent = `Local time there now: ${formatShowTime(new Date().toISOString(), value)}.`;
    } else {
      zoneCheck.textContent = 'This browser does not know that time zone; the server will check it.';
    }
  }

  function applyQuickLayout() {
    const rows = Number(layoutRows.value);
    const seats = Number(layoutSeats.value);
    if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
      ctx.refuse(layoutRows, `Choose 1 to ${MAX_ROWS} rows.`);
    } else if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS) {
      ctx.refuse(layoutSeats, `Choose 1 to ${MAX_SEATS} seats a row.`);
    } else {
      editor.layout(rows, seats);
    }
  }

  /** The form as the API's fields, or null after saying which field is wrong. */
  function readForm() {
    const theatre = {
      name: name.value.trim(), location: location.value.trim(), timezone: zone.value.trim() || 'UTC',
    };
    if (!theatre.name || charCount(theatre.name) > LIMITS.name) {
      return ctx.refuse(name, `Give the theatre a name of 1 to ${LIMITS.name} characters.`);
    }
    if (charCount(theatre.location) > LIMITS.location) {
      return ctx.refuse(location, `Keep the location to ${LIMITS.location} characters.`);
    }
    const { rows, problems } = checkRows(editor.read());
    if (problems.length) {
      ctx.say(problems[0].message, 'error');
      editor.focusProblem(problems[0]);
      return null;
    }
    return { ...theatre, rows };
  }

  async function save() {
    const fields = readForm();
    if (!fields) return;
    let theatre;
    try {
      theatre = await ctx.api.createTheatre(fields);
    } catch (err) {
      ctx.report(err, 'Could not add the theatre:');
      return;
    }
    ctx.say(`Added theatre ${theatre.id}, ${theatre.name}: ${plural(theatre.rows.length, 'row')}, ` +
      `${plural(theatre.capacity, 'seat')}, times in ${theatre.timezone}.`, 'success');
    form.reset();
    editor.reset();
    checkZone();
    await load();
    ctx.changed('theatre');
  }

  async function load() {
    try {
      theatres = await ctx.api.theatres();
    } catch (err) {
      ctx.report(err, 'Could not load the theatres:');
      return;
    }
    render();
  }

  $('timezones').replaceChildren(...zoneNames().map((z) => h('option', { value: z })));
  zone.addEventListener('input', checkZone);
  $('layout-apply').addEventListener('click', applyQuickLayout);
  // Enter in the quick layout's fields lays out the rows; it must not submit the theatre.
  for (const field of [layoutRows, layoutSeats]) {
    field.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      applyQuickLayout();
    });
  }
  form.addEventListener('submit', withBusyButton(form, save));
  editor.reset();
  checkZone();

  return { load, list: () => theatres };
}
