#include "mail/outbox.hpp"

namespace seats {
namespace {

constexpr const char* kEnqueue = "INSERT INTO mail_outbox (booking_id, kind) VALUES (?, ?)";
constexpr const char* kEnqueueShow =
    "INSERT INTO mail_outbox (booking_id, kind) "
    "SELECT id, 'cancellation' FROM bookings WHERE show_id = ? AND status = 'CONFIRMED' "
    "ORDER BY id";

// Locks the outbox row only: the booking, its customer and its show are read without
// locks below. A lock on any of those, held while a mail is sent, would make a customer's
// next hold wait for the SMTP server. Oldest due first; ties (one show's cancellation
// writes many rows at once) in the order written.
constexpr const char* kClaim =
    "SELECT id, booking_id, kind = 'cancellation', attempts, "
    "  created_at < UTC_TIMESTAMP(6) - INTERVAL 48 HOUR "  // API.md: retried for >= 24 h
    "FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= UTC_TIMESTAMP(6) "
    "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
// What the mail says, seats included, in one round trip.
constexpr const char* kDescribe =
    "SELECT u.email, u.name, m.title, s.start_time, t.name, t.location, t.timezone, "
    "  b.ticket_code, b.total_cents, s.status = 'CANCELLED', "
    "  (SELECT GROUP_CONCAT(CONCAT(ss.seat_row, ss.seat_number) ORDER BY ss.id SEPARATOR ' ') "
    "   FROM booking_seats bs JOIN show_seats ss ON ss.id = bs.seat_id "
    "   WHERE bs.booking_id = b.id) "
    "FROM bookings b JOIN users u ON u.id = b.user_id JOIN shows s ON s.id = b.show_id "
    "JOIN movies m ON m.id = s.movie_id JOIN theatres t ON t.id = s.theatre_id WHERE b.id = ?";
constexpr const char* kSent =
    "UPDATE mail_outbox SET state = 'sent', sent_at = UTC_TIMESTAMP(6), attempts = attempts + 1, "
    "  last_error = NULL WHERE id = ?";
constexpr const char* kFailed =
    "UPDATE mail_outbox SET state = 'failed', attempts = attempts + 1, last_error = LEFT(?, 500) "
    "WHERE id = ?";
constexpr const char* kRetry =
    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = LEFT(?, 500), "
    "  next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE id = ?";

}  // namespace

void enqueue_mail(Connection& db, int64_t booking_id, MailKind kind) {
  db.statement(kEnqueue).run(
      {booking_id,
       std::string_view(kind == MailKind::Confirmation ? "confirmation" : "cancellation")});
}

void enqueue_show_cancellation_mails(Connection& db, int64_t show_id) {
  db.statement(kEnqueueShow).run({show_id});
}

std::optional<OutboxMail> claim_due_mail(Connection& db) {
  Statement& claim = db.statement(kClaim);
  claim.run({});
  if (!claim.next()) return std::nullopt;
  OutboxMail mail{};
  mail.id = claim.int64(0);
  mail.booking_id = claim.int64(1);
  mail.kind = claim.flag(2) ? MailKind::Cancellation : MailKind::Confirmation;
  mail.attempts = static_cast<int>(claim.int64(3));
  mail.past_retrying = claim.flag(4);

  Statement& about = db.statement(kDescribe);
  about.run({mail.booking_id});
  if (!about.next()) {
    // The foreign key deletes the row with its booking, so only a booking deleted while
    // this row was locked gets here; there is nothing left to tell of.
    mark_failed(db, mail.id, "its booking no longer exists");
    return std::nullopt;
  }
  mail.to = about.text(0);
  mail.customer_name = about.text(1);
  mail.movie_title = about.text(2);
  mail.start_time = about.text(3);
  mail.theatre = about.text(4);
  mail.location = about.text(5);
  mail.timezone = about.text(6);
  mail.ticket_code = about.text(7);
  mail.total_cents = about.int64(8);
  mail.show_cancelled = about.flag(9);
  // Seat names are letters and digits: a space never occurs in one.
  std::string names = about.is_null(10) ? std::string() : about.text(10);
  for (size_t start = 0; start < names.size();) {
    size_t end = names.find(' ', start);
    if (end == std::string::npos) end = names.size();
    mail.seats.push_back(names.substr(start, end - start));
    start = end + 1;
  }
  return mail;
}

void mark_sent(Connection& db, int64_t id) { db.statement(kSent).run({id}); }

void mark_failed(Connection& db, int64_t id, const std::string& error) {
  db.statement(kFailed).run({std::string_view(error), id});
}

void retry_later(Connection& db, int64_t id, int delay_seconds, const std::string& error) {
  db.statement(kRetry).run({std::string_view(error), static_cast<int64_t>(delay_seconds), id});
}

}  // namespace seats
