#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.hpp"

namespace seats {

struct StoredAnswer {
  int status;
  std::string body;
};

// 1..255 printable ASCII characters, else 422 validation_failed.
void check_idempotency_key(const std::string& key);

// Claims `key` for this request, kept per user in the database so every worker and host
// sees it. Returns nullopt when the caller owns the key now and must run the request;
// returns the stored answer when the same request already ran. Throws
// idempotency_key_reused (different body) or request_in_progress (still running).
std::optional<StoredAnswer> claim_idempotency_key(Connection& db, int64_t user_id,
                                                  const std::string& key,
                                                  const std::string& canonical_request);

// Records the answer for a claimed key. Call it inside the request's own transaction for
// a success, so the answer commits exactly when the booking does.
void store_idempotent_answer(Connection& db, int64_t user_id, const std::string& key, int status,
                             const std::string& body);

// Gives a claimed key up after a failure that a retry may not repeat (database down).
void release_idempotency_key(Connection& db, int64_t user_id, const std::string& key);

}  // namespace seats
