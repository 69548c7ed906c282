#include "users/login_throttle.hpp"

#include <algorithm>
#include <chrono>

#include "db/now_and_then.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

#define SEATS_LOGIN_WINDOW "INTERVAL 15 MINUTE"

// Of the window's newest max_failures failures, the oldest one is the one whose leaving
// the window makes room again: Retry-After counts to that moment (rounded up).
constexpr const char* kRecentFailures =
    "SELECT COUNT(*), CEIL(TIMESTAMPDIFF(MICROSECOND, NOW(6), MIN(failed_at) + " SEATS_LOGIN_WINDOW
    ") / 1000000) FROM (SELECT failed_at FROM login_failures "
    "  WHERE email_digest = UNHEX(SHA2(?, 256)) AND failed_at > NOW(6) - " SEATS_LOGIN_WINDOW
    "  ORDER BY failed_at DESC LIMIT ?) recent";
constexpr const char* kCountFailure =
    "INSERT INTO login_failures (email_digest) VALUES (UNHEX(SHA2(?, 256)))";
constexpr const char* kPurge =
    "DELETE FROM login_failures WHERE failed_at < NOW(6) - " SEATS_LOGIN_WINDOW " LIMIT 500";
// Old rows are dropped lazily, at most once a minute per worker, in small batches.
constexpr auto kPurgeInterval = std::chrono::minutes(1);

}  // namespace

void LoginThrottle::check(Connection& db, const std::string& email) {
  if (max_failures_ == 0) return;
  Statement& recent = db.statement(kRecentFailures);
  recent.run({email, int64_t{max_failures_}});
  if (!recent.next() || recent.int64(0) < max_failures_) return;
  int64_t retry_after = recent.is_null(1) ? 1 : std::max<int64_t>(1, recent.int64(1));
  throw ApiError(
      Err::TooManyRequests,
      "Too many failed logins for this e-mail; retry in " + std::to_string(retry_after) + " s",
      static_cast<int>(retry_after));
}

void LoginThrottle::failed(Connection& db, const std::string& email) {
  if (max_failures_ == 0) return;
  db.statement(kCountFailure).run({email});
  static NowAndThen purge(kPurgeInterval);
  if (purge.due()) db.statement(kPurge).run({});
}

}  // namespace seats
