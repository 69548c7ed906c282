#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace seats {

struct BookingSeat {
  int64_t id;
  std::string name;
};

struct Booking {
  int64_t id;
  std::string status;
  int64_t show_id;
  std::string movie_title, time, theatre, created_at;
  std::vector<BookingSeat> seats;
  int64_t total_cents;
};

struct NewBooking {
  int64_t booking_id;
  int64_t show_id;
  std::vector<int64_t> seat_ids;  // in the order the client gave them
  int64_t total_cents;            // the show's price times the seats
};

// Optional hook run inside the booking transaction just before COMMIT, so that a record
// of the answer (the idempotency key) commits together with the booking or not at all.
using BeforeCommit = std::function<void(const NewBooking&)>;

// Turns the caller's live holds on `seat_ids` (1..10 distinct seats of `show_id`) into
// one confirmed booking, all or nothing. Fails with show_not_found, seat_not_found,
// show_cancelled, show_started or seat_not_held (naming the seat).
NewBooking create_booking(Connection& db, int64_t user_id, int64_t show_id,
                          const std::vector<int64_t>& seat_ids, const BeforeCommit& before_commit);

// The caller's bookings, newest first, cancelled ones included.
std::vector<Booking> list_bookings(Connection& db, int64_t user_id);

// Cancels one of the caller's bookings before its show starts; its seats become
// AVAILABLE. booking_not_found for another user's booking, booking_not_cancellable after
// the start or when already cancelled. Returns the booking's show.
int64_t cancel_booking(Connection& db, int64_t user_id, int64_t booking_id);

}  // namespace seats
