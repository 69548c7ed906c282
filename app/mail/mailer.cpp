#include "mail/mailer.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <exception>

#include "db/connection.hpp"
#include "db/error.hpp"
#include "db/transaction.hpp"
#include "mail/message.hpp"
#include "mail/outbox.hpp"
#include "mail/smtp.hpp"
#include "tickets/qr_png.hpp"

namespace seats {
namespace {

// New mails are written by other processes and nothing tells the mailer: it looks this
// often when the outbox has nothing due (one indexed query; API.md wants mail out within
// 5 s of its booking).
constexpr long kIdlePollNanos = 200'000'000;
// After an error of its own (the database gone), before it tries again.
constexpr long kErrorPauseNanos = 1'000'000'000;
constexpr int kMaxRetryDelaySeconds = 60;

class Mailer {
 public:
  explicit Mailer(const Settings& settings)
      : db_(settings),
        smtp_(settings.smtp_url, settings.mail_from),
        context_{settings.mail_from, settings.public_url, settings.currency} {}

  int run() {
    sigemptyset(&stop_signals_);
    sigaddset(&stop_signals_, SIGTERM);
    sigaddset(&stop_signals_, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals_, nullptr);
    std::fprintf(stderr, "event=mailer_start pid=%d\n", getpid());
    while (!stopping()) {
      long pause = kIdlePollNanos;
      try {
        db_.ensure_ready();
        if (deliver_next()) continue;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "event=mailer_error error=\"%s\"\n", e.what());
        db_.discard();
        pause = kErrorPauseNanos;
      }
      if (wait_for_stop(pause)) break;
    }
    std::fprintf(stderr, "event=mailer_stop pid=%d\n", getpid());
    return 0;
  }

 private:
  // One mail, start to finish, in one transaction. Returns false when none was due.
  bool deliver_next() {
    Transaction tx(db_);
    std::optional<OutboxMail> mail = claim_due_mail(db_);
    if (!mail) {
      tx.commit();
      return false;
    }
    ComposedMail composed = compose_mail(*mail, context_, std::time(nullptr));
    std::string png = composed.attach_ticket ? qr_png(mail->ticket_code) : std::string();
    DeliveryResult result = smtp_.send(mail->to, composed.headers, composed.text, png,
                                       "ticket-" + std::to_string(mail->booking_id) + ".png");
    int attempt = mail->attempts + 1;
    const char* outcome = "sent";
    if (result.delivery == Delivery::Sent) {
      mark_sent(db_, mail->id);
    } else if (result.delivery == Delivery::Permanent || mail->past_retrying) {
      mark_failed(db_, mail->id, result.error);
      outcome = "failed";
    } else {
      retry_later(db_, mail->id, retry_delay_seconds(attempt), result.error);
      outcome = "retry";
    }
    tx.commit();
    std::fprintf(stderr, "event=mail_%s mail=%lld booking=%lld attempt=%d%s%s%s\n", outcome,
                 static_cast<long long>(mail->id), static_cast<long long>(mail->booking_id),
                 attempt, result.error.empty() ? "" : " error=\"", result.error.c_str(),
                 result.error.empty() ? "" : "\"");
    return true;
  }

  bool stopping() {
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT);
  }

  // Sleeps up to `nanos`; true when a stop signal came meanwhile.
  bool wait_for_stop(long nanos) {
    timespec wait{nanos / 1'000'000'000, nanos % 1'000'000'000};
    return sigtimedwait(&stop_signals_, nullptr, &wait) > 0;
  }

  Connection db_;
  SmtpSender smtp_;
  MailContext context_;
  sigset_t stop_signals_{};
};

}  // namespace

int retry_delay_seconds(int failed_attempts) {
  int delay = 1;
  for (int i = 1; i < failed_attempts && delay < kMaxRetryDelaySeconds; ++i) delay *= 2;
  return delay < kMaxRetryDelaySeconds ? delay : kMaxRetryDelaySeconds;
}

int run_mailer(const Settings& settings) {
  prctl(PR_SET_NAME, "seatd-mailer", 0, 0, 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return Mailer(settings).run();
  } catch (const std::exception& e) {
    // Only construction can get here (curl failing to start): the master respawns us.
    std::fprintf(stderr, "event=mailer_error error=\"%s\"\n", e.what());
    return 1;
  }
}

}  // namespace seats
