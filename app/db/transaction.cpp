#include "db/transaction.hpp"

#include <cstdio>

namespace seats {

Transaction::Transaction(Connection& db) : db_(db) { db_.begin(); }

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.rollback();
  } catch (const DbError& e) {
    // The server rolls back on its own when the connection goes; make sure it does go.
    std::fprintf(stderr, "event=rollback_failed error=%u\n", e.number());
    db_.discard();
  }
}

void Transaction::commit() {
  // A client that nginx has already answered (504) must not find a hold or a booking it
  // was never told about: roll back instead (the destructor does, open_ still being set).
  if (db_.past_commit_deadline()) {
    throw ApiError(Err::Unavailable, "The request took too long; nothing was changed");
  }
  open_ = false;
  try {
    db_.commit();
  } catch (const DbError& e) {
    // A COMMIT that failed for any reason other than a deadlock leaves the outcome
    // unknown to us; drop the connection rather than guess.
    if (e.kind() != DbError::Kind::Retryable) db_.discard();
    throw;
  }
}

}  // namespace seats
