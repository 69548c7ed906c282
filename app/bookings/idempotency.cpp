#include "bookings/idempotency.hpp"

#include <sys/random.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "db/error.hpp"
#include "db/now_and_then.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

constexpr size_t kMaxKeyBytes = 255;
// A claim older than nginx's timeout with no answer belongs to a request that can no
// longer commit (its commit deadline has passed) or to a worker that died; the next request
// with the key takes it over. The margin covers a COMMIT begun just before the deadline.
constexpr int kTakeOverMarginSeconds = 5;
// Keys are kept at least 24 hours; older ones are purged lazily, at most once a minute
// per worker, in small batches.
constexpr auto kPurgeInterval = std::chrono::minutes(1);

#define SEATS_KEY_DIGEST "UNHEX(SHA2(?, 256))"

// The claim and the per-user bound in one statement: no row is inserted once the user has
// made the day's number of keys (then no duplicate-key error either, even for a key that
// exists, which the caller tells apart by reading the key). Under READ COMMITTED the
// count is a plain read that locks nothing.
constexpr const char* kClaim =
    "INSERT INTO idempotency_keys (user_id, key_digest, request_digest, claim_token) "
    "SELECT ?, " SEATS_KEY_DIGEST
    ", UNHEX(SHA2(?, 256)), ? FROM DUAL WHERE "
    "(SELECT COUNT(*) FROM idempotency_keys WHERE user_id = ? "
    "   AND created_at > NOW(6) - INTERVAL 1 DAY) < ?";
constexpr const char* kExisting =
    "SELECT request_digest = UNHEX(SHA2(?, 256)), status_code, response_body, "
    "  created_at < NOW(6) - INTERVAL 1 DAY, created_at < NOW(6) - INTERVAL ? SECOND "
    "FROM idempotency_keys WHERE user_id = ? AND key_digest = " SEATS_KEY_DIGEST;
constexpr const char* kFreesUpIn =
    "SELECT GREATEST(1, TIMESTAMPDIFF(SECOND, NOW(6), MIN(created_at) + INTERVAL 1 DAY) + 1) "
    "FROM idempotency_keys WHERE user_id = ? AND created_at > NOW(6) - INTERVAL 1 DAY";
constexpr const char* kTakeOver =
    "UPDATE idempotency_keys SET created_at = NOW(6), claim_token = ? "
    "WHERE user_id = ? AND key_digest = " SEATS_KEY_DIGEST
    " AND status_code IS NULL AND created_at < NOW(6) - INTERVAL ? SECOND";
constexpr const char* kExpire =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND key_digest = " SEATS_KEY_DIGEST
    " AND created_at < NOW(6) - INTERVAL 1 DAY";
constexpr const char* kStore =
    "UPDATE idempotency_keys SET status_code = ?, response_body = ?, claim_token = NULL "
    "WHERE user_id = ? AND key_digest = " SEATS_KEY_DIGEST
    " AND claim_token = ? AND status_code IS NULL";
constexpr const char* kRelease =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND key_digest = " SEATS_KEY_DIGEST
    " AND claim_token = ? AND status_code IS NULL";
constexpr const char* kPurge =
    "DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL 1 DAY LIMIT 500";

void purge_now_and_then(Connection& db) {
  static NowAndThen purge(kPurgeInterval);
  if (purge.due()) db.statement(kPurge).run({});
}

int64_t new_claim_token() {
  int64_t token = 0;
  if (getrandom(&token, sizeof token, 0) != static_cast<ssize_t>(sizeof token)) {
    throw std::runtime_error("getrandom failed");
  }
  return token;
}

[[noreturn]] void refuse_in_progress() {
  throw ApiError(Err::RequestInProgress,
                 "A request with this Idempotency-Key is still being processed");
}

[[noreturn]] void refuse_over_limit(Connection& db, const Settings& settings, int64_t user_id) {
  Statement& frees_up = db.statement(kFreesUpIn);
  frees_up.run({user_id});
  int retry_after =
      frees_up.next() && !frees_up.is_null(0) ? static_cast<int>(frees_up.int64(0)) : 1;
  throw ApiError(Err::TooManyRequests,
                 "You used " + std::to_string(settings.idempotency_keys_per_day) +
                     " Idempotency-Keys within a day; retry later or send the request without one",
                 retry_after);
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

std::variant<IdempotencyClaim, StoredAnswer> claim_idempotency_key(
    Connection& db, const Settings& settings, int64_t user_id, const std::string& key,
    const std::string& canonical_request) {
  purge_now_and_then(db);
  int64_t abandoned_after = int64_t{settings.request_timeout_seconds} + kTakeOverMarginSeconds;
  // Autocommit: the claim is visible to other workers at once, which is what lets a
  // concurrent duplicate answer request_in_progress instead of waiting.
  for (int attempt = 0; attempt < 2; ++attempt) {
    IdempotencyClaim claim{user_id, key, new_claim_token()};
    bool over_limit = false;
    try {
      Statement& insert = db.statement(kClaim);
      insert.run({user_id, key, canonical_request, claim.token, user_id,
                  int64_t{settings.idempotency_keys_per_day}});
      if (insert.affected_rows() == 1) return claim;
      over_limit = true;
    } catch (const DbError& e) {
      // The claim's foreign key waits for the user's row, which a running booking or hold
      // of theirs holds: a wait that long means busy, not broken.
      if (e.kind() == DbError::Kind::Retryable) {
        throw ApiError(Err::Unavailable, "Your other requests are still running; try again");
      }
      if (e.kind() != DbError::Kind::DuplicateKey) throw;
    }
    Statement& existing = db.statement(kExisting);
    existing.run({canonical_request, abandoned_after, user_id, key});
    if (!existing.next()) {
      if (over_limit) refuse_over_limit(db, settings, user_id);
      continue;  // released meanwhile: claim again
    }
    if (existing.flag(3)) {
      // Older than the retention period: a new request, not a retry.
      db.statement(kExpire).run({user_id, key});
      continue;
    }
    if (!existing.flag(0)) {
      throw ApiError(Err::IdempotencyKeyReused,
                     "This Idempotency-Key was used with a different request body");
    }
    if (!existing.is_null(1)) {
      return StoredAnswer{static_cast<int>(existing.int64(1)), existing.text(2)};
    }
    if (existing.flag(4)) {
      Statement& take_over = db.statement(kTakeOver);
      take_over.run({claim.token, user_id, key, abandoned_after});
      if (take_over.affected_rows() == 1) return claim;
    }
    refuse_in_progress();
  }
  refuse_in_progress();
}

bool store_idempotent_answer(Connection& db, const IdempotencyClaim& claim, int status,
                             const std::string& body) {
  Statement& store = db.statement(kStore);
  store.run({int64_t{status}, body, claim.user_id, claim.key, claim.token});
  return store.affected_rows() == 1;
}

void release_idempotency_key(Connection& db, const IdempotencyClaim& claim) {
  try {
    db.statement(kRelease).run({claim.user_id, claim.key, claim.token});
  } catch (const DbError& e) {
    // The database is likely down; the claim is taken over once it counts as abandoned.
    std::fprintf(stderr, "event=idempotency_release_failed error=%u\n", e.number());
  }
}

}  // namespace seats
