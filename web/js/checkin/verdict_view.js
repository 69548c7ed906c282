// Draws a verdict (verdict.js) into the page's answer region. The region itself stays in
// the page and only its content changes, so a screen reader announces each answer; the
// time of the scan and the code make two equal answers in a row still read as two.

import { groupCode } from '../ticket_code.js';

const ICONS = { admit: '✓', refuse: '✗', retry: '!' };

function node(tag, className, text) {
  const n = document.createElement(tag);
  n.className = className;
  n.textContent = text;
  return n;
}

/** Shows `verdict` for `code` in `region`, marking when it was answered. */
export function showVerdict(region, verdict, code, at = new Date()) {
  const box = document.createElement('div');
  box.className = `verdict verdict-${verdict.tone}`;
  box.dataset.tone = verdict.tone;

  const word = node('p', 'verdict-word', '');
  word.append(node('span', 'verdict-icon', ICONS[verdict.tone] || ''), verdict.word);
  word.firstChild.setAttribute('aria-hidden', 'true');
  const title = node('p', 'verdict-title', verdict.title);
  const lines = document.createElement('ul');
  lines.className = 'verdict-lines';
  lines.append(...verdict.lines.map((line) => node('li', '', line)));
  const when = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const foot = node('p', 'verdict-foot', `Code ${groupCode(code)} · answered ${when}`);

  box.append(word, title, lines, foot);
  region.replaceChildren(box);
}

/** Empties the answer region (a new person signs in). */
export function clearVerdict(region) {
  region.replaceChildren();
}
