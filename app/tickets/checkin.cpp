#include "tickets/checkin.hpp"

#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/rfc3339.hpp"
#include "tickets/ticket_code.hpp"

namespace seats {
namespace {

// The booking's row is the one lock: two check-ins of one code queue on it, and the
// second reads the first one's committed checked_in_at (READ COMMITTED) once it has it.
// A customer's cancellation locks the same row first, so the two never both succeed. The
// moment of the check-in is read with the lock, so the answer and the row agree.
constexpr const char* kLockTicket =
    "SELECT id, status = 'CANCELLED', checked_in_at, UTC_TIMESTAMP(6) FROM bookings "
    "WHERE ticket_code = ? FOR UPDATE";
// Plain reads: the show, theatre and customer are only described, never changed here.
constexpr const char* kDescribe =
    "SELECT b.show_id, m.title, s.start_time, t.name, t.timezone, u.name "
    "FROM bookings b JOIN shows s ON s.id = b.show_id JOIN movies m ON m.id = s.movie_id "
    "JOIN theatres t ON t.id = s.theatre_id JOIN users u ON u.id = b.user_id WHERE b.id = ?";
constexpr const char* kCheckIn =
    "UPDATE bookings SET checked_in_at = ?, checked_in_by = ? WHERE id = ?";
constexpr const char* kSeats =
    "SELECT ss.id, ss.seat_row, ss.seat_number FROM booking_seats bs "
    "JOIN show_seats ss ON ss.id = bs.seat_id WHERE bs.booking_id = ? ORDER BY ss.id";

}  // namespace

CheckIn check_in(Connection& db, int64_t staff_id, const std::string& code) {
  // Not a code we could have made: no need to ask the database.
  if (!is_ticket_code(code)) throw ApiError(Err::TicketNotFound, "No ticket has this code");
  return with_retry(db, [&] {
    Transaction tx(db);
    Statement& ticket = db.statement(kLockTicket);
    ticket.run({std::string_view(code)});
    if (!ticket.next()) throw ApiError(Err::TicketNotFound, "No ticket has this code");
    int64_t booking_id = ticket.int64(0);
    if (ticket.flag(1)) throw ApiError(Err::BookingNotValid, "This booking was cancelled");
    if (!ticket.is_null(2)) {
      throw ApiError(Err::AlreadyCheckedIn,
                     "This ticket was checked in at " + rfc3339(ticket.text(2)));
    }
    std::string now = ticket.text(3);
    db.statement(kCheckIn).run({std::string_view(now), staff_id, booking_id});

    Statement& about = db.statement(kDescribe);
    about.run({booking_id});
    about.next();
    CheckIn result{booking_id,
                   about.int64(0),
                   about.text(1),
                   about.text(2),
                   about.text(3),
                   about.text(4),
                   about.text(5),
                   now,
                   {}};
    Statement& seats = db.statement(kSeats);
    seats.run({booking_id});
    while (seats.next()) {
      result.seats.push_back({seats.int64(0), seats.text(1) + seats.text(2)});
    }
    tx.commit();
    return result;
  });
}

}  // namespace seats
