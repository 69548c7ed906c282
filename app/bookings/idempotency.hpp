#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "db/connection.hpp"
#include "settings.hpp"

namespace seats {

struct StoredAnswer {
  int status;
  std::string body;
};

// A key this request owns while it runs. `token` is drawn fresh for every claim (and every
// takeover of an abandoned one), so that only the request holding the claim can store the
// answer or give the key up.
struct IdempotencyClaim {
  int64_t user_id;
  std::string key;
  int64_t token;
};

// 1..255 printable ASCII characters, else 422 validation_failed.
void check_idempotency_key(const std::string& key);

// Claims `key` for this request, kept per user in the database (as SHA-256 digests of the
// key and of the canonical request, never their texts) so every worker and host sees it.
// Returns the claim when the caller owns the key now and must run the request, or the
// stored answer when the same request already ran. Throws idempotency_key_reused
// (different body), request_in_progress (still running) or too_many_requests (the user
// made settings.idempotency_keys_per_day keys within a day; Retry-After says when one
// frees up).
std::variant<IdempotencyClaim, StoredAnswer> claim_idempotency_key(
    Connection& db, const Settings& settings, int64_t user_id, const std::string& key,
    const std::string& canonical_request);

// Records the answer for a claim, unless the claim was taken over meanwhile (then false,
// and nothing is written: an answer once stored is never replaced). Call it inside the
// request's own transaction for a success, so the answer commits exactly when the booking
// does, and roll back on false.
bool store_idempotent_answer(Connection& db, const IdempotencyClaim& claim, int status,
                             const std::string& body);

// Gives a claim up after a failure that a retry may not repeat (database down).
void release_idempotency_key(Connection& db, const IdempotencyClaim& claim);

}  // namespace seats
