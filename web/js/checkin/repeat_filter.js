// A camera sees the same QR code in frame after frame. Only the first sighting is a scan:
// submitting the rest would answer "already checked in" over the green "admit" a moment
// later. A code counts again once it has been out of sight for `quietMs`.

/** A function (code, nowMs) => true when this sighting is a new scan. */
export function repeatFilter(quietMs) {
  let lastCode = null;
  let lastSeen = -Infinity;
  return (code, nowMs) => {
    const fresh = code !== lastCode || nowMs - lastSeen > quietMs;
    lastCode = code;
    lastSeen = nowMs; // every sighting, so a code held in view never counts twice
    return fresh;
  };
}
