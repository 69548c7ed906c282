// The page's one live region: every message for the person lands there, in words, and a
// screen reader reads it out (role="status" in the markup).

/** {say(text, kind), clear()} for `region`; kind is 'info', 'success' or 'error'. */
export function statusRegion(region) {
  return {
    say(text, kind = 'info') {
      const p = document.createElement('p');
      p.className = `status-message status-${kind}`;
      p.textContent = text;
      region.replaceChildren(p);
    },
    clear() {
      region.replaceChildren();
    },
  };
}
