#pragma once

#include <cstdint>
#include <string>

#include "db/connection.hpp"
#include "settings.hpp"

namespace seats {

struct Hold {
  int64_t seat_id;
  int64_t show_id;
  std::string expires_at;  // UTC, as the database gives it
};

// Gives `user_id` a hold on the seat, or returns the hold they already have (same
// deadline: a retry is safe and a hold cannot be stretched). Fails with seat_not_found,
// show_started, seat_unavailable or hold_limit_reached.
Hold lock_seat(Connection& db, const Settings& settings, int64_t user_id, int64_t seat_id);

// Frees the caller's hold on the seat. Already free (or lapsed) is fine; a seat SOLD or
// held by someone else is not_lock_holder. Returns the seat's show.
int64_t release_seat(Connection& db, int64_t user_id, int64_t seat_id);

}  // namespace seats
