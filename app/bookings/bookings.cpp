#include "bookings/bookings.hpp"

#include <algorithm>
#include <map>

#include "db/error.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "mail/outbox.hpp"
#include "seats/expiry.hpp"
#include "tickets/ticket_code.hpp"

namespace seats {
namespace {

constexpr const char* kShowStarted = "SELECT start_time <= UTC_TIMESTAMP() FROM shows WHERE id = ?";
// The service-wide lock order is the user's row, then seat rows by ascending id (see
// seats/holds.cpp). A booking takes the user's row first, like a hold: INSERT INTO
// bookings would otherwise take a lock on it (its foreign key) after the seats, the
// opposite of a hold of the same user's, and the two would deadlock. The show's start and
// price ride along in the same round trip (plain reads: they lock nothing).
constexpr const char* kLockUserAndShow =
    "SELECT (SELECT start_time <= UTC_TIMESTAMP() FROM shows WHERE id = ?), "
    "  (SELECT price_cents FROM shows WHERE id = ?) "
    "FROM users WHERE id = ? FOR UPDATE";
// Seat rows are locked one by one in ascending id order, so two bookings that share seats
// queue instead of deadlocking; a show's cancellation locks them in the same order. Whether
// the show is cancelled is read with each seat, after its lock is granted: a cancellation
// that committed while we waited for the seat is seen (and one that has not reached the
// seat yet waits for this booking and then cancels it).
constexpr const char* kLockSeat =
    "SELECT show_id, " SEATS_LIVE_HOLD
    " AND user_id = ?, seat_row, seat_number, "
    "  (SELECT status = 'CANCELLED' FROM shows WHERE shows.id = show_seats.show_id) "
    "FROM show_seats WHERE id = ? FOR UPDATE";
constexpr const char* kInsertBooking =
    "INSERT INTO bookings (user_id, show_id, total_cents, ticket_code) VALUES (?, ?, ?, ?)";
constexpr const char* kInsertBookingSeat =
    "INSERT INTO booking_seats (booking_id, seat_id) VALUES (?, ?)";
constexpr const char* kSellSeats =
    "UPDATE show_seats s JOIN booking_seats b ON b.seat_id = s.id "
    "SET s.status = 'SOLD', s.locked_at = NULL, s.hold_expires_at = NULL "
    "WHERE b.booking_id = ?";

constexpr const char* kListBookings =
    "SELECT b.id, b.status, b.show_id, m.title, s.start_time, t.name, b.created_at, "
    "  b.total_cents, t.timezone, b.ticket_code, b.checked_in_at "
    "FROM bookings b JOIN shows s ON s.id = b.show_id JOIN movies m ON m.id = s.movie_id "
    "JOIN theatres t ON t.id = s.theatre_id WHERE b.user_id = ? ORDER BY b.id DESC";
constexpr const char* kListBookingSeats =
    "SELECT bs.booking_id, ss.id, ss.seat_row, ss.seat_number "
    "FROM bookings b JOIN booking_seats bs ON bs.booking_id = b.id "
    "JOIN show_seats ss ON ss.id = bs.seat_id WHERE b.user_id = ? ORDER BY ss.id";

constexpr const char* kLockBooking =
    "SELECT user_id, show_id, status = 'CANCELLED', checked_in_at IS NOT NULL FROM bookings "
    "WHERE id = ? FOR UPDATE";
constexpr const char* kLockBookingSeats =
    "SELECT s.id FROM show_seats s JOIN booking_seats bs ON bs.seat_id = s.id "
    "WHERE bs.booking_id = ? ORDER BY s.id FOR UPDATE";
constexpr const char* kFreeBookingSeats =
    "UPDATE show_seats s JOIN booking_seats bs ON bs.seat_id = s.id "
    "SET s.status = 'AVAILABLE', s.user_id = NULL WHERE bs.booking_id = ? AND s.status = 'SOLD'";
constexpr const char* kUnsellBookingSeats =
    "UPDATE booking_seats SET sold = NULL WHERE booking_id = ?";
constexpr const char* kCancelBooking =
    "UPDATE bookings SET status = 'CANCELLED', cancelled_at = NOW(6) WHERE id = ?";

std::string seat_name(const Statement& row, int row_column) {
  return row.text(row_column) + row.text(row_column + 1);
}

}  // namespace

NewBooking create_booking(Connection& db, int64_t user_id, int64_t show_id,
                          const std::vector<int64_t>& seat_ids, Mail mail,
                          const BeforeCommit& before_commit) {
  std::vector<int64_t> lock_order = seat_ids;
  std::sort(lock_order.begin(), lock_order.end());
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& show = db.statement(kLockUserAndShow);
    show.run({show_id, show_id, user_id});
    if (!show.next()) throw ApiError(Err::Unauthorized, "The token's user no longer exists");
    if (show.is_null(0)) throw ApiError(Err::ShowNotFound, "No show has this id");
    bool started = show.flag(0);
    int64_t price_cents = show.int64(1);

    Statement& seat = db.statement(kLockSeat);
    std::string not_held;  // the first seat the caller does not hold, by id
    bool cancelled = false;
    for (int64_t seat_id : lock_order) {
      seat.run({user_id, seat_id});
      if (!seat.next() || seat.int64(0) != show_id) {
        throw ApiError(Err::SeatNotFound,
                       "Seat " + std::to_string(seat_id) + " does not exist in this show");
      }
      if (!seat.flag(1) && not_held.empty()) not_held = seat_name(seat, 2);
      cancelled = cancelled || seat.flag(4);
    }
    if (cancelled) throw ApiError(Err::ShowCancelled, "This show has been cancelled");
    if (started) throw ApiError(Err::ShowStarted, "This show has already started");
    if (!not_held.empty()) {
      throw ApiError(Err::SeatNotHeld, "Seat " + not_held + " is not held by you");
    }

    Statement& booking = db.statement(kInsertBooking);
    int64_t total_cents = price_cents * static_cast<int64_t>(seat_ids.size());
    std::string ticket_code = new_ticket_code();
    booking.run({user_id, show_id, total_cents, std::string_view(ticket_code)});
    NewBooking result{booking.insert_id(), show_id, seat_ids, total_cents, ticket_code};
    Statement& booked_seat = db.statement(kInsertBookingSeat);
    try {
      for (int64_t seat_id : lock_order) booked_seat.run({result.booking_id, seat_id});
    } catch (const DbError& e) {
      // The unique key on (seat_id, sold) is the last line of defence against selling a
      // seat twice; reaching it means the checks above were wrong, never a normal path.
      if (e.kind() == DbError::Kind::DuplicateKey) {
        throw ApiError(Err::SeatNotHeld, "A seat in this request is already sold");
      }
      throw;
    }
    db.statement(kSellSeats).run({result.booking_id});
    if (mail == Mail::On) enqueue_mail(db, result.booking_id, MailKind::Confirmation);
    if (before_commit) before_commit(result);
    tx.commit();
    return result;
  });
}

std::vector<Booking> list_bookings(Connection& db, int64_t user_id) {
  Statement& q = db.statement(kListBookings);
  q.run({user_id});
  std::vector<Booking> bookings;
  std::map<int64_t, size_t> index;
  while (q.next()) {
    index[q.int64(0)] = bookings.size();
    bookings.push_back({q.int64(0),
                        q.text(1),
                        q.int64(2),
                        q.text(3),
                        q.text(4),
                        q.text(5),
                        q.text(6),
                        {},
                        q.int64(7),
                        q.text(8),
                        q.text(9),
                        q.is_null(10) ? std::string() : q.text(10)});
  }
  Statement& seats = db.statement(kListBookingSeats);
  seats.run({user_id});
  while (seats.next()) {
    auto it = index.find(seats.int64(0));
    if (it != index.end())
      bookings[it->second].seats.push_back({seats.int64(1), seat_name(seats, 2)});
  }
  return bookings;
}

CancelledBooking cancel_booking(Connection& db, int64_t user_id, int64_t booking_id, Mail mail) {
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& booking = db.statement(kLockBooking);
    booking.run({booking_id});
    // Another user's booking is indistinguishable from a missing one.
    if (!booking.next() || booking.int64(0) != user_id) {
      throw ApiError(Err::BookingNotFound, "You have no booking with this id");
    }
    int64_t show_id = booking.int64(1);
    bool cancelled = booking.flag(2), checked_in = booking.flag(3);
    Statement& show = db.statement(kShowStarted);
    show.run({show_id});
    show.next();
    if (cancelled) throw ApiError(Err::BookingNotCancellable, "This booking is already cancelled");
    if (checked_in) {
      throw ApiError(Err::BookingNotCancellable, "This ticket has been checked in at the door");
    }
    if (show.flag(0)) {
      throw ApiError(Err::BookingNotCancellable, "This show has already started");
    }
    CancelledBooking result{show_id, {}};
    Statement& seats = db.statement(kLockBookingSeats);
    seats.run({booking_id});
    while (seats.next()) result.seat_ids.push_back(seats.int64(0));
    db.statement(kFreeBookingSeats).run({booking_id});
    db.statement(kUnsellBookingSeats).run({booking_id});
    db.statement(kCancelBooking).run({booking_id});
    if (mail == Mail::On) enqueue_mail(db, booking_id, MailKind::Cancellation);
    tx.commit();
    return result;
  });
}

}  // namespace seats
