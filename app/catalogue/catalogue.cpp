#include "catalogue/catalogue.hpp"

#include "http/problem.hpp"
#include "seats/expiry.hpp"

namespace seats {
namespace {

constexpr const char* kListMovies =
    "SELECT id, title, description, duration_mins, rating FROM movies ORDER BY id";
constexpr const char* kMovieExists = "SELECT 1 FROM movies WHERE id = ?";
#define SEATS_SHOW_COLUMNS                                                                       \
  "SELECT s.id, s.movie_id, s.theatre_id, t.name, t.location, s.start_time, s.price_cents, "     \
  "  s.on_sale_at, s.queue_rate, (SELECT COUNT(*) FROM show_seats ss WHERE ss.show_id = s.id), " \
  "  t.timezone, m.title, s.status = 'CANCELLED' "                                               \
  "FROM shows s JOIN theatres t ON t.id = s.theatre_id JOIN movies m ON m.id = s.movie_id "
constexpr const char* kListShows = SEATS_SHOW_COLUMNS
    "WHERE s.movie_id = ? AND s.status <> 'CANCELLED' ORDER BY s.start_time, s.id";
constexpr const char* kListAllShows = SEATS_SHOW_COLUMNS "ORDER BY s.start_time, s.id";
constexpr const char* kFindShow = SEATS_SHOW_COLUMNS "WHERE s.id = ?";
constexpr const char* kShowExists = "SELECT 1 FROM shows WHERE id = ?";
constexpr const char* kSeatMap =
    "SELECT id, seat_row, seat_number, "
    "  CASE WHEN status = 'LOCKED' AND NOT " SEATS_LIVE_HOLD
    " THEN 'AVAILABLE' ELSE status END, "
    "  " SEATS_LIVE_HOLD
    ", user_id, hold_expires_at, "
    "  " SEATS_HOLD_TIME_LEFT
    ", (SELECT status = 'CANCELLED' FROM shows WHERE id = ?) "
    "FROM show_seats WHERE show_id = ? ORDER BY row_position, seat_row, seat_number";

std::vector<Showing> read_shows(Statement& q) {
  std::vector<Showing> shows;
  while (q.next()) {
    shows.push_back({q.int64(0), q.int64(1), q.int64(2), q.text(3), q.text(4), q.text(5),
                     q.int64(6), q.text(7), q.int64(8), q.int64(9), q.text(10), q.text(11),
                     q.flag(12)});
  }
  return shows;
}

}  // namespace

std::vector<Movie> list_movies(Connection& db) {
  Statement& q = db.statement(kListMovies);
  q.run({});
  std::vector<Movie> movies;
  while (q.next()) movies.push_back({q.int64(0), q.text(1), q.text(2), q.int64(3), q.text(4)});
  return movies;
}

std::vector<Showing> list_shows(Connection& db, int64_t movie_id) {
  Statement& exists = db.statement(kMovieExists);
  exists.run({movie_id});
  if (!exists.next()) throw ApiError(Err::MovieNotFound, "No movie has this id");
  Statement& q = db.statement(kListShows);
  q.run({movie_id});
  return read_shows(q);
}

std::vector<Showing> list_all_shows(Connection& db) {
  Statement& q = db.statement(kListAllShows);
  q.run({});
  return read_shows(q);
}

std::optional<Showing> find_show(Connection& db, int64_t show_id) {
  Statement& q = db.statement(kFindShow);
  q.run({show_id});
  std::vector<Showing> shows = read_shows(q);
  if (shows.empty()) return std::nullopt;
  return shows.front();
}

std::vector<SeatState> seat_states(Connection& db, int64_t show_id) {
  Statement& q = db.statement(kSeatMap);
  q.run({show_id, show_id});
  std::vector<SeatState> seats;
  seats.reserve(50);
  bool cancelled = false;
  while (q.next()) {
    cancelled = q.flag(8);
    SeatState seat{q.int64(0), q.text(1), q.int64(2), q.text(3), 0, "", 0};
    if (q.flag(4)) {
      seat.holder = q.is_null(5) ? 0 : q.int64(5);
      seat.expires_at = q.text(6);
      seat.held_for_us = q.int64(7);
    }
    seats.push_back(std::move(seat));
  }
  if (seats.empty()) {
    // Every show has seats, so an empty grid almost always means an unknown show.
    Statement& exists = db.statement(kShowExists);
    exists.run({show_id});
    if (!exists.next()) throw ApiError(Err::ShowNotFound, "No show has this id");
  }
  if (cancelled) throw ApiError(Err::ShowNotFound, "This show has been cancelled");
  return seats;
}

}  // namespace seats
