// The admin endpoints (API.md Part 2, "Operators"), bound to the signed-in admin's token.
// Failures are ApiErrors from ../api.js: a 403 means the account is not an admin.

import { request } from '../api.js';

/** The admin API; `token()` answers the current session's token. */
export function adminApi(token) {
  const call = (method, path, body) => request(method, path, { token: token(), body });
  return {
    movies: () => request('GET', '/movies'),
    createMovie: (movie) => call('POST', '/admin/movies', movie),
    updateMovie: (id, changes) => call('PATCH', `/admin/movies/${id}`, changes),
    theatres: () => call('GET', '/admin/theatres'),
    createTheatre: (theatre) => call('POST', '/admin/theatres', theatre),
    shows: () => call('GET', '/admin/shows'),
    createShow: (show) => call('POST', '/admin/shows', show),
    cancelShow: (id) => call('DELETE', `/admin/shows/${id}`),
    report: (id) => call('GET', `/admin/shows/${id}/report`),
    audit: () => call('GET', '/admin/audit'),
  };
}
