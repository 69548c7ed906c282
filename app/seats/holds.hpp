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
  bool taken;              // false: the caller already held it (nothing changed)
};

struct Release {
  int64_t show_id;
  bool freed;  // false: it was free already (nothing changed)
};

// What a hold or release found on the seat's row while it held the row lock: for the
// caller to remember a refusal by (SeatRefusals), since nothing changed.
struct SeatSeen {
  int64_t show_id = 0;
  bool sold = false;
  bool held = false;         // a live hold
  int64_t holder = 0;        // its user (0 if that user is gone)
  int64_t held_for_us = 0;   // until its deadline, by the database clock
  int64_t starts_in_us = 0;  // until the show starts (<= 0: started)
};

// The answer for a seat that is sold or held by someone else: seat_unavailable to a hold,
// not_lock_holder to a release, in the same words whether a transaction found it or a
// remembered refusal (SeatRefusals) gives it.
[[noreturn]] void refuse_taken_seat(bool releasing, bool sold);

// Gives `user_id` a hold on the seat, or returns the hold they already have (same
// deadline: a retry is safe and a hold cannot be stretched). Fails with seat_not_found,
// show_cancelled, show_started, not_on_sale, not_admitted (a show with a waiting room),
// seat_unavailable or hold_limit_reached. Fills `seen` once the seat's row
// has been read.
Hold lock_seat(Connection& db, const Settings& settings, int64_t user_id, int64_t seat_id,
               SeatSeen* seen = nullptr);

// Frees the caller's hold on the seat. Already free (or lapsed) is fine; a seat SOLD or
// held by someone else is not_lock_holder. Fills `seen` once the seat's row has been read.
Release release_seat(Connection& db, int64_t user_id, int64_t seat_id, SeatSeen* seen = nullptr);

}  // namespace seats
