// The audit trail: the last 100 admin changes, newest first (GET /admin/audit).

import { h } from './dom.js';

const whenFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
});

function when(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso) : whenFormat.format(t);
}

/** The audit section; `myId()` answers the signed-in user's id, shown as "you". */
export function createAudit(ctx, myId) {
  const rows = document.getElementById('audit-rows');
  const empty = document.getElementById('audit-empty');
  document.getElementById('audit-refresh').addEventListener('click', () => load());

  // A role set from the command line has no actor (API.md: actor_id null).
  const who = (actorId) => {
    if (actorId === null || actorId === undefined) return 'command line';
    return actorId === myId() ? `you (user ${actorId})` : `user ${actorId}`;
  };

  async function load() {
    let entries;
    try {
      entries = await ctx.api.audit();
    } catch (err) {
      ctx.report(err, 'Could not load the audit trail:');
      return;
    }
    empty.hidden = entries.length > 0;
    rows.replaceChildren(...entries.map((e) => h('tr', { dataset: { auditId: String(e.id) } },
      h('td', { textContent: when(e.at) }),
      h('td', { textContent: who(e.actor_id) }),
      h('td', {}, h('code', { textContent: e.action })),
      h('td', { textContent: e.target }),
      h('td', { textContent: e.detail || '' }))));
  }

  return { load };
}
