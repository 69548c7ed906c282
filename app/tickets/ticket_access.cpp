#include "tickets/ticket_access.hpp"

#include "http/problem.hpp"

namespace seats {
namespace {

constexpr const char* kTicketFor =
    "SELECT (SELECT ticket_code FROM bookings b "
    "        WHERE b.id = ? AND (b.user_id = u.id OR u.role IN ('staff', 'admin'))) "
    "FROM users u WHERE u.id = ?";

}  // namespace

std::string ticket_code_for(Connection& db, int64_t viewer, int64_t booking_id) {
  Statement& q = db.statement(kTicketFor);
  q.run({booking_id, viewer});
  if (!q.next()) throw ApiError(Err::Unauthorized, "The token's user no longer exists");
  if (q.is_null(0)) throw ApiError(Err::BookingNotFound, "You have no booking with this id");
  return q.text(0);
}

}  // namespace seats
