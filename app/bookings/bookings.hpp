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
  std::string timezone;  // the theatre's
  std::string ticket_code;
  std::string checked_in_at;  // empty until the door admitted it
};

struct NewBooking {
  int64_t booking_id;
  int64_t show_id;
  std::vector<int64_t> seat_ids;  // in the order the client gave them
  int64_t total_cents;            // the show's price times the seats
  std::string ticket_code;
};

// Optional hook run inside the booking transaction just before COMMIT, so that a record
// of the answer (the idempotency key) commits together with the booking or not at all.
using BeforeCommit = std::function<void(const NewBooking&)>;

// Whether bookings and their cancellations write their e-mail to the outbox (SMTP_URL set).
enum class Mail { Off, On };
inline Mail mail_setting(const Settings& settings) {
  return settings.smtp_url.empty() ? Mail::Off : Mail::On;
}

// Turns the caller's live holds on `seat_ids` (1..10 distinct seats of `show_id`) into
// one confirmed booking with a new ticket code, all or nothing (its confirmation mail
// included, with Mail::On). Fails with show_not_found, seat_not_found, show_cancelled,
// show_started or seat_not_held (naming the seat).
NewBooking create_booking(Connection& db, int64_t user_id, int64_t show_id,
                          const std::vector<int64_t>& seat_ids, Mail mail,
                          const BeforeCommit& before_commit);

// The caller's bookings, newest first, cancelled ones included.
std::vector<Booking> list_bookings(Connection& db, int64_t user_id);

// Cancels one of the caller's bookings before its show starts; its seats become
// AVAILABLE (and, with Mail::On, its cancellation mail is written in the same transaction).
// booking_not_found for another user's booking, booking_not_cancellable after the start,
// once checked in, or when already cancelled.
struct CancelledBooking {
  int64_t show_id;
  std::vector<int64_t> seat_ids;  // now AVAILABLE
};
CancelledBooking cancel_booking(Connection& db, int64_t user_id, int64_t booking_id, Mail mail);

}  // namespace seats
