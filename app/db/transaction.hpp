#pragma once

#include <utility>

#include "db/connection.hpp"
#include "db/error.hpp"
#include "http/problem.hpp"

namespace seats {

// A transaction as an object (after libpqxx's pqxx::work): constructed -> START
// TRANSACTION; commit() -> COMMIT; destroyed without commit (early return, exception)
// -> ROLLBACK. No error path can leave a row lock held or half a booking behind.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Throws ApiError unavailable, and rolls back, past the connection's commit deadline.
  void commit();

 private:
  Connection& db_;
  bool open_ = true;
};

// How many times a transaction is run in all when InnoDB gives up on it (deadlock 1213,
// lock wait timeout 1205) before the client is told to retry later.
constexpr int kTransactionAttempts = 3;

// Runs `body` (which opens its own Transaction on `db`) and reruns it on 1213/1205, unless
// the request's commit deadline has passed. A connection lost meanwhile becomes 503
// unavailable: nothing is retried on a connection whose transaction state is unknown.
template <typename Body>
auto with_retry(Connection& db, Body&& body) -> decltype(body()) {
  for (int attempt = 1;; ++attempt) {
    try {
      return body();
    } catch (const DbError& e) {
      if (e.kind() != DbError::Kind::Retryable) throw;
      if (attempt == kTransactionAttempts || db.past_commit_deadline()) {
        throw ApiError(Err::Unavailable, "The seats are busy; try again in a moment");
      }
    }
  }
}

}  // namespace seats
