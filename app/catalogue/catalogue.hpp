#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace seats {

struct Movie {
  int64_t id;
  std::string title, description;
  int64_t duration_mins;
  std::string rating;
};

struct Showing {
  int64_t id, movie_id, theatre_id;
  std::string theatre, location, start_time;  // start_time as the database gives it (UTC)
};

struct SeatView {
  int64_t id;
  std::string row;
  int64_t number;
  std::string status;      // AVAILABLE, LOCKED or SOLD, with expired holds as AVAILABLE
  bool held_by_me;         // only ever true for the viewer's own live holds
  std::string expires_at;  // set only when held_by_me
};

std::vector<Movie> list_movies(Connection& db);
// Shows of a movie by start time. 404 movie_not_found for an unknown movie.
std::vector<Showing> list_shows(Connection& db, int64_t movie_id);
// The show's seat grid by row then number, as seen by `viewer` (0 = anonymous).
// 404 show_not_found for an unknown show.
std::vector<SeatView> seat_map(Connection& db, int64_t show_id, int64_t viewer);

}  // namespace seats
