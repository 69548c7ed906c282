#pragma once

#include <cstdint>
#include <optional>
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

// Times are as the database gives them (UTC DATETIME text).
struct Showing {
  int64_t id, movie_id, theatre_id;
  std::string theatre, location, start_time;
  int64_t price_cents;
  std::string on_sale_at;
  int64_t queue_rate, capacity;
  std::string timezone;  // the theatre's
  std::string movie_title;
  bool cancelled;
};

// One seat of a show as it stands at the moment of reading.
struct SeatState {
  int64_t id;
  std::string row;
  int64_t number;
  std::string status;  // AVAILABLE, LOCKED or SOLD, with expired holds as AVAILABLE
  // For a live hold only (else 0 and ""): who holds it (0 if that user is gone), its
  // deadline, and the time left until it by the database clock.
  int64_t holder;
  std::string expires_at;
  int64_t held_for_us;
};

std::vector<Movie> list_movies(Connection& db);
// Shows of a movie by start time, cancelled ones left out. 404 movie_not_found for an
// unknown movie.
std::vector<Showing> list_shows(Connection& db, int64_t movie_id);
// Every show, cancelled ones included, by start time (for operators).
std::vector<Showing> list_all_shows(Connection& db);
// One show, cancelled or not; nullopt for an unknown id.
std::optional<Showing> find_show(Connection& db, int64_t show_id);
// The show's seat grid in the theatre's row order, then by number. 404 show_not_found for
// an unknown or cancelled show.
std::vector<SeatState> seat_states(Connection& db, int64_t show_id);

}  // namespace seats
