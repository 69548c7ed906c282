#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bookings/bookings.hpp"
#include "db/connection.hpp"

namespace seats {

// What the door learns from a ticket it admits (API.md Part 2, "Tickets and check-in").
struct CheckIn {
  int64_t booking_id, show_id;
  std::string movie_title, time, theatre, timezone, name, checked_in_at;
  std::vector<BookingSeat> seats;
};

// Admits the booking whose ticket carries `code`, once: by `staff_id`, recorded on the
// booking. 404 ticket_not_found, 409 booking_not_valid for a cancelled booking, 409
// already_checked_in (naming the first time) after the first. Of any number of check-ins
// of one code at once exactly one succeeds: each locks the booking's row first.
CheckIn check_in(Connection& db, int64_t staff_id, const std::string& code);

}  // namespace seats
