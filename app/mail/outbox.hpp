#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace seats {

enum class MailKind { Confirmation, Cancellation };

// ---- Writing: inside the transaction of the change the mail tells of ----------------------

// Adds one mail about `booking_id` to the outbox. Called before the caller's COMMIT, so
// the mail exists exactly when the change does.
void enqueue_mail(Connection& db, int64_t booking_id, MailKind kind);
// A cancellation mail for every confirmed booking of the show, which the caller (the
// show's cancellation) has locked and is about to cancel.
void enqueue_show_cancellation_mails(Connection& db, int64_t show_id);

// ---- Sending: the mailer's side ---------------------------------------------------------------

// Everything a mail says, read with its outbox row.
struct OutboxMail {
  int64_t id, booking_id;
  MailKind kind;
  int attempts;        // before this one
  bool past_retrying;  // pending longer than the mailer keeps trying
  std::string to, customer_name;
  std::string movie_title, start_time, theatre, location, timezone;
  std::string ticket_code;
  int64_t total_cents;
  bool show_cancelled;
  std::vector<std::string> seats;  // names, in id order
};

// Inside a transaction: locks the due pending mail that is next in line and that no other
// mailer has locked (FOR UPDATE SKIP LOCKED, so two hosts never send one mail), and reads
// what it says (without locking anything else). None when nothing is due (or the one due
// lost its booking, and is marked failed).
std::optional<OutboxMail> claim_due_mail(Connection& db);
void mark_sent(Connection& db, int64_t id);
// A permanent refusal, or a temporary one for longer than the mailer keeps trying.
void mark_failed(Connection& db, int64_t id, const std::string& error);
void retry_later(Connection& db, int64_t id, int delay_seconds, const std::string& error);

}  // namespace seats
