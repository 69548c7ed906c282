// The page's one live region: every message for the person lands there, in words, and a
// screen reader reads it out (role="status" in the markup).

// How long a new message stays pinned to the top of the screen (.status-fresh is sticky):
// long enough to be read where the person is, e.g. scrolled down to Book or Cancel on a
// phone, short enough not to cover the page for good.
const FRESH_MS = 6000;

/** {say(text, kind), clear()} for `region`; kind is 'info', 'success' or 'error'. */
export function statusRegion(region) {
  let unpin = 0;
  return {
    say(text, kind = 'info') {
      const p = document.createElement('p');
      p.className = `status-message status-${kind}`;
      p.textContent = text;
      region.replaceChildren(p);
      region.classList.add('status-fresh');
      clearTimeout(unpin);
      unpin = setTimeout(() => region.classList.remove('status-fresh'), FRESH_MS);
    },
    clear() {
      region.replaceChildren();
    },
  };
}
