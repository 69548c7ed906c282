#pragma once

#include <mysql.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "db/statement.hpp"
#include "settings.hpp"

namespace seats {

// The one MariaDB connection a worker owns. Auto-reconnect stays off (Connector/C would
// silently leave a transaction and carry on in autocommit); instead the worker calls
// ensure_ready() between requests, which reconnects and drops the prepared statements.
class Connection {
 public:
  explicit Connection(const Settings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Called between requests: drops a connection that sat idle long enough for the server
  // to have closed it and no longer answers a ping. Connecting itself is lazy.
  void ensure_ready();
  // The prepared statement for `sql`, prepared on first use on this connection. Connects
  // first if needed, but never inside a transaction. Throws DbError.
  Statement& statement(std::string_view sql);
  // Transaction control, for Transaction only. A transaction is never continued on a
  // new connection: once the old one is gone, so is the transaction.
  void begin();
  void commit();
  void rollback();
  // Marks the connection unusable; the next ensure_ready() reconnects.
  void discard();
  bool connected() const { return db_ != nullptr; }
  // Health check: one round trip.
  bool ping();
  // The moment after which nothing may commit for the request in hand, because nginx will
  // have answered its client by then (set by the worker per request; none: no limit).
  void set_commit_deadline(std::chrono::system_clock::time_point deadline) {
    commit_deadline_ = deadline;
  }
  bool past_commit_deadline() const { return std::chrono::system_clock::now() >= commit_deadline_; }

 private:
  void connect();
  void close();
  void ensure_connected();
  void query(const char* sql);

  const Settings& settings_;
  MYSQL* db_ = nullptr;
  bool in_transaction_ = false;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
  // A statement's result set failed part-way (see Statement): replace the connection before
  // its next use outside a transaction.
  bool poisoned_ = false;
  std::chrono::steady_clock::time_point last_used_;
  std::chrono::system_clock::time_point commit_deadline_ =
      std::chrono::system_clock::time_point::max();
};

}  // namespace seats
