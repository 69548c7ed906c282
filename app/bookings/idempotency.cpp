#include "bookings/idempotency.hpp"

#include <chrono>
#include <cstdio>

#include "db/error.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

constexpr size_t kMaxKeyBytes = 255;
// A claim this old with no answer belongs to a worker that died mid-request (no request
// runs this long: lock waits are seconds); the next request with the key takes it over.
// Safe because a booking and its stored answer commit together.
constexpr int kAbandonedClaimSeconds = 30;
// Keys are kept at least 24 hours; older ones are purged lazily, at most once a minute
// per worker, in small batches.
constexpr auto kPurgeInterval = std::chrono::minutes(1);

constexpr const char* kClaim =
    "INSERT INTO idempotency_keys (user_id, idem_key, request_body) VALUES (?, ?, ?)";
constexpr const char* kExisting =
    "SELECT request_body, status_code, response_body, "
    "  created_at < NOW(6) - INTERVAL 1 DAY, created_at < NOW(6) - INTERVAL ? SECOND "
    "FROM idempotency_keys WHERE user_id = ? AND idem_key = ?";
constexpr const char* kTakeOver =
    "UPDATE idempotency_keys SET created_at = NOW(6), request_body = ? "
    "WHERE user_id = ? AND idem_key = ? AND status_code IS NULL "
    "  AND created_at < NOW(6) - INTERVAL ? SECOND";
constexpr const char* kExpire =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? "
    "  AND created_at < NOW(6) - INTERVAL 1 DAY";
constexpr const char* kStore =
    "UPDATE idempotency_keys SET status_code = ?, response_body = ? "
    "WHERE user_id = ? AND idem_key = ?";
constexpr const char* kRelease =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND status_code IS NULL";
constexpr const char* kPurge =
    "DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL 1 DAY LIMIT 500";

void purge_now_and_then(Connection& db) {
  static auto next_purge = std::chrono::steady_clock::time_point{};
  auto now = std::chrono::steady_clock::now();
  if (now < next_purge) return;
  next_purge = now + kPurgeInterval;
  db.statement(kPurge).run({});
}

}  // namespace

void check_idempotency_key(const std::string& key) {
  bool printable = !key.empty() && key.size() <= kMaxKeyBytes;
  for (char c : key) printable = printable && c >= 0x20 && c <= 0x7e;
  if (!printable) {
    throw ApiError(Err::ValidationFailed,
                   "Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
}

std::optional<StoredAnswer> claim_idempotency_key(Connection& db, int64_t user_id,
                                                  const std::string& key,
                                                  const std::string& canonical_request) {
  purge_now_and_then(db);
  // Autocommit: the claim is visible to other workers at once, which is what lets a
  // concurrent duplicate answer request_in_progress instead of waiting.
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      db.statement(kClaim).run({user_id, key, canonical_request});
      return std::nullopt;
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::DuplicateKey) throw;
    }
    Statement& existing = db.statement(kExisting);
    existing.run({int64_t{kAbandonedClaimSeconds}, user_id, key});
    if (!existing.next()) continue;  // released meanwhile: claim again
    if (existing.flag(3)) {
      // Older than the retention period: a new request, not a retry.
      db.statement(kExpire).run({user_id, key});
      continue;
    }
    if (existing.text(0) != canonical_request) {
      throw ApiError(Err::IdempotencyKeyReused,
                     "This Idempotency-Key was used with a different request body");
    }
    if (!existing.is_null(1)) {
      return StoredAnswer{static_cast<int>(existing.int64(1)), existing.text(2)};
    }
    if (existing.flag(4)) {
      Statement& take_over = db.statement(kTakeOver);
      take_over.run({canonical_request, user_id, key, int64_t{kAbandonedClaimSeconds}});
      if (take_over.affected_rows() == 1) return std::nullopt;
    }
    throw ApiError(Err::RequestInProgress,
                   "A request with this Idempotency-Key is still being processed");
  }
  throw ApiError(Err::RequestInProgress,
                 "A request with this Idempotency-Key is still being processed");
}

void store_idempotent_answer(Connection& db, int64_t user_id, const std::string& key, int status,
                             const std::string& body) {
  db.statement(kStore).run({int64_t{status}, body, user_id, key});
}

void release_idempotency_key(Connection& db, int64_t user_id, const std::string& key) {
  try {
    db.statement(kRelease).run({user_id, key});
  } catch (const DbError& e) {
    // The database is likely down; the claim is taken over after kAbandonedClaimSeconds.
    std::fprintf(stderr, "event=idempotency_release_failed error=%u\n", e.number());
  }
}

}  // namespace seats
