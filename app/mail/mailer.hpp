#pragma once

#include "settings.hpp"

namespace seats {

// The mailer: a child of the pool's master, in no request's path. It sends the outbox's
// due mails one by one over SMTP (settings.smtp_url), each in its own transaction that
// holds only that mail's row, and marks it sent, failed (a 5xx reply, or 48 hours of
// temporary failures) or due again after a back-off of 1 s doubling up to 60 s. Killed
// mid-send, its transaction rolls back and the mail is sent again by its successor, with
// the same Message-ID. SIGTERM: finish the mail in hand, then exit 0. Its process name is
// "seatd-mailer".
int run_mailer(const Settings& settings);

// The wait before the next attempt after `failed_attempts` temporary failures (>= 1).
int retry_delay_seconds(int failed_attempts);

}  // namespace seats
