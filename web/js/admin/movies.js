// Movies: the list, and one form that adds a movie or edits the one picked from the list
// (PATCH with only the fields that changed).

import { charCount, withBusyButton } from '../forms.js';
import { h } from './dom.js';

const LIMITS = { title: 200, rating: 16, description: 5000, minutes: 1000 };

/** The movies section; `list()` answers the movies as last loaded. */
export function createMovies(ctx) {
  const $ = (id) => document.getElementById(id);
  const listEl = $('movie-list');
  const form = $('movie-form');
  const heading = $('movie-form-heading');
  const submit = $('movie-submit');
  const cancelEdit = $('movie-cancel-edit');
  const input = {
    title: $('movie-title'), rating: $('movie-rating'),
    duration: $('movie-duration'), description: $('movie-description'),
  };
  let movies = [];
  let editing = null; // the movie the form edits; null while it adds one

  function render() {
    listEl.replaceChildren(...movies.map((m) => {
      const edit = h('button', {
        type: 'button', className: 'link-button', textContent: 'Edit',
        attrs: { 'aria-label': `Edit ${m.title}` },
      });
      edit.addEventListener('click', () => startEdit(m));
      return h('li', { dataset: { movieId: String(m.id) } },
        h('span', { className: 'item-title', textContent: m.title }),
        h('span', { className: 'hint', textContent: ` ${m.rating} · ${m.duration_mins} min · movie ${m.id}` }),
        ' ', edit);
    }));
  }

  function startEdit(movie) {
    editing = movie;
    input.title.value = movie.title;
    input.rating.value = movie.rating;
    input.duration.value = String(movie.duration_mins);
    input.description.value = movie.description || '';
    heading.textContent = `Edit movie ${movie.id}: ${movie.title}`;
    submit.textContent = 'Save changes';
    cancelEdit.hidden = false;
    input.title.focus();
  }

  function stopEdit() {
    editing = null;
    form.reset();
    heading.textContent = 'Add a movie';
    submit.textContent = 'Add movie';
    cancelEdit.hidden = true;
  }

  /** The form as the API's fields, or null after saying which field is wrong. */
  function readForm() {
    const title = input.title.value.trim();
    const rating = input.rating.value.trim();
    const description = input.description.value;
    const minutes = Number(input.duration.value);
    if (!title || charCount(title) > LIMITS.title) {
      return ctx.refuse(input.title, `Give the movie a title of 1 to ${LIMITS.title} characters.`);
    }
    if (!rating || charCount(rating) > LIMITS.rating) {
      return ctx.refuse(input.rating, `Give a rating of 1 to ${LIMITS.rating} characters, e.g. PG-13.`);
    }
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.minutes) {
      return ctx.refuse(input.duration, `The length is a whole number of minutes, 1 to ${LIMITS.minutes}.`);
    }
    if (charCount(description) > LIMITS.description) {
      return ctx.refuse(input.description, `Keep the description to ${LIMITS.description} characters.`);
    }
    return { title, rating, duration_mins: minutes, description };
  }

  async function save() {
    const fields = readForm();
    if (!fields) return;
    try {
      if (editing) {
        const changes = Object.fromEntries(Object.entries(fields)
          .filter(([name, value]) => value !== (editing[name] ?? '')));
        if (Object.keys(changes).length === 0) {
          ctx.say(`Nothing to save: movie ${editing.id} is as it was.`, 'info');
          return;
        }
        const movie = await ctx.api.updateMovie(editing.id, changes);
        ctx.say(`Saved movie ${movie.id}, ${movie.title}.`, 'success');
      } else {
        const movie = await ctx.api.createMovie(fields);
        ctx.say(`Added movie ${movie.id}, ${movie.title}. It can be given shows now.`, 'success');
      }
    } catch (err) {
      ctx.report(err, editing ? 'Could not save the movie:' : 'Could not add the movie:');
      return;
    }
    stopEdit();
    await load();
    ctx.changed('movie');
  }

  async function load() {
    try {
      movies = await ctx.api.movies();
    } catch (err) {
      ctx.report(err, 'Could not load the movies:');
      return;
    }
    render();
  }

  form.addEventListener('submit', withBusyButton(form, save));
  cancelEdit.addEventListener('click', () => {
    stopEdit();
    ctx.say('Stopped editing; nothing was changed.', 'info');
    input.title.focus();
  });

  return { load, list: () => movies };
}
