// The QR images of My bookings. The PNG needs the Bearer token, so an <img> cannot ask for
// it by URL: each is fetched once, kept as a blob object URL for as long as its booking is
// listed, and revoked when it is not (a cancelled booking, another person signing in), so
// re-rendering the list neither refetches nor leaks the images.

export class TicketImages {
  /** `fetchPng(bookingId)` resolves with the PNG as a Blob. */
  constructor(fetchPng) {
    this.fetchPng = fetchPng;
    this.urls = new Map(); // booking id -> Promise of its object URL
    this.generation = 0; // bumped by clear(): a fetch begun before it is thrown away
  }

  /** A promise of the object URL of `bookingId`'s QR image (fetched on first use). */
  url(bookingId) {
    let url = this.urls.get(bookingId);
    if (!url) {
      const generation = this.generation;
      url = this.fetchPng(bookingId).then((blob) => {
        const objectUrl = URL.createObjectURL(blob);
        if (generation !== this.generation || this.urls.get(bookingId) !== url) {
          URL.revokeObjectURL(objectUrl); // cleared or dropped while it was loading
          throw new Error('ticket image no longer wanted');
        }
        return objectUrl;
      });
      // A failed fetch is tried again on the next render instead of being remembered.
      url.catch(() => {
        if (this.urls.get(bookingId) === url) this.urls.delete(bookingId);
      });
      this.urls.set(bookingId, url);
    }
    return url;
  }

  /** Revokes the images of every booking not in `bookingIds`. */
  keepOnly(bookingIds) {
    const kept = new Set(bookingIds);
    for (const id of [...this.urls.keys()]) {
      if (!kept.has(id)) this.drop(id);
    }
  }

  /** Revokes every image: nothing of one person stays for the next. */
  clear() {
    this.generation += 1;
    for (const id of [...this.urls.keys()]) this.drop(id);
  }

  drop(bookingId) {
    const url = this.urls.get(bookingId);
    this.urls.delete(bookingId);
    url.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => {});
  }
}
