#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "catalogue/catalogue.hpp"
#include "db/connection.hpp"

namespace seats {

// What PATCH /admin/movies/:id changes: the fields given, checked already.
struct MovieChange {
  std::optional<std::string> title, description, rating;
  std::optional<int64_t> duration_mins;
  bool empty() const { return !title && !description && !rating && !duration_mins; }
};

// Adds a movie (fields checked already; its id is ignored) and its audit entry by `actor`.
Movie create_movie(Connection& db, int64_t actor, const Movie& movie);

// Changes the given fields; an empty change writes nothing (and no audit entry).
// 404 movie_not_found for an unknown id.
Movie update_movie(Connection& db, int64_t actor, int64_t movie_id, const MovieChange& change);

}  // namespace seats
