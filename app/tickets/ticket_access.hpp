#pragma once

#include <cstdint>
#include <string>

#include "db/connection.hpp"

namespace seats {

// The ticket code of booking `booking_id` as `viewer` may see it: their own booking's, or
// anyone's for staff and admin (the role read now, as for every staff request). 401 when
// the viewer no longer exists; 404 booking_not_found for a booking that is missing or, to
// a customer, someone else's (the two look the same).
std::string ticket_code_for(Connection& db, int64_t viewer, int64_t booking_id);

}  // namespace seats
