#include "db/connection.hpp"

#include <errmsg.h>

#include <cstdio>
#include <string>

#include "db/error.hpp"

namespace seats {
namespace {

// A connection idle this long is pinged before use, so the first request after a quiet
// spell does not fail on a connection the server (or a restart) has closed. A restart
// takes about a second, and a worker idle through it (the login pool's, typically) would
// otherwise answer one 503 after the database is back; under load no worker is idle this
// long, so the ping costs nothing where it matters.
constexpr auto kIdleBeforePing = std::chrono::milliseconds(1000);
// Connecting to a down server must fail fast: the API promises 503 within 2 s.
constexpr unsigned int kConnectTimeoutSeconds = 1;
// A hung server must not hang a worker; longer than any lock wait we allow.
constexpr unsigned int kIoTimeoutMarginSeconds = 3;
// The server rolls back and drops a session that holds a write transaction open and
// idle this long: a frozen worker can never keep a seat row locked.
constexpr int kIdleWriteTransactionSeconds = 20;

}  // namespace

Connection::Connection(const Settings& settings) : settings_(settings) {}

Connection::~Connection() { close(); }

// The connection goes first: mysql_close detaches every statement from it, so closing a
// poisoned statement afterwards frees memory without waiting on the server.
void Connection::close() {
  in_transaction_ = false;
  if (db_) mysql_close(db_);
  db_ = nullptr;
  statements_.clear();
  poisoned_ = false;
}

void Connection::discard() { close(); }

void Connection::connect() {
  close();
  MYSQL* db = mysql_init(nullptr);
  if (!db) throw DbError(2008, "out of memory in mysql_init");
  unsigned int connect_timeout = kConnectTimeoutSeconds;
  unsigned int io_timeout =
      static_cast<unsigned int>(settings_.lock_wait_seconds) + kIoTimeoutMarginSeconds;
  my_bool no = 0;
  mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_options(db, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_options(db, MYSQL_OPT_RECONNECT, &no);
  mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  bool use_socket = settings_.db_host.empty() && !settings_.db_socket.empty();
  const char* host = use_socket
                         ? "localhost"
                         : (settings_.db_host.empty() ? "127.0.0.1" : settings_.db_host.c_str());
  if (!mysql_real_connect(db, host, settings_.db_user.c_str(), settings_.db_password.c_str(),
                          settings_.db_name.c_str(), static_cast<unsigned int>(settings_.db_port),
                          use_socket ? settings_.db_socket.c_str() : nullptr, 0)) {
    std::string reason = std::to_string(mysql_errno(db)) + " " + mysql_error(db);
    mysql_close(db);
    // Whatever the cause (down, wrong password, no such database), the database is
    // unavailable to this worker right now.
    throw DbError(CR_CONNECTION_ERROR, "cannot connect: " + reason);
  }
  // UTC everywhere; READ COMMITTED so that a plain read after a locking read sees what
  // other transactions committed meanwhile (see the hold limit in seats/holds.cpp).
  std::string setup[] = {
      "SET time_zone = '+00:00', SESSION innodb_lock_wait_timeout = " +
          std::to_string(settings_.lock_wait_seconds),
      "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
  };
  for (const std::string& sql : setup) {
    if (mysql_query(db, sql.c_str()) != 0) {
      std::string reason = std::to_string(mysql_errno(db)) + " " + mysql_error(db);
      mysql_close(db);
      throw DbError(CR_CONNECTION_ERROR, "session setup failed: " + reason);
    }
  }
  std::string idle = "SET SESSION idle_write_transaction_timeout = " +
                     std::to_string(kIdleWriteTransactionSeconds);
  if (mysql_query(db, idle.c_str()) != 0) {
    // MySQL has no such variable; the service still works there, only without this guard.
    std::fprintf(stderr, "event=db_setting_unsupported setting=idle_write_transaction_timeout\n");
  }
  db_ = db;
  last_used_ = std::chrono::steady_clock::now();
}

void Connection::ensure_ready() {
  auto now = std::chrono::steady_clock::now();
  if (db_ && now - last_used_ > kIdleBeforePing && mysql_ping(db_) != 0) close();
  last_used_ = now;
}

void Connection::ensure_connected() {
  // A transaction that met a poisoned statement has been rolled back by the server (its
  // error was a deadlock or a lost connection), so a retry may start on a new connection.
  if (db_ && poisoned_ && !in_transaction_) close();
  if (db_) return;
  if (in_transaction_) throw DbError(CR_SERVER_LOST, "connection lost inside a transaction");
  connect();
}

bool Connection::ping() {
  try {
    ensure_connected();
  } catch (const DbError&) {
    return false;
  }
  if (mysql_ping(db_) == 0) return true;
  close();
  return false;
}

Statement& Connection::statement(std::string_view sql) {
  ensure_connected();
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql, &poisoned_))
             .first;
  }
  return *it->second;
}

void Connection::query(const char* sql) {
  if (mysql_query(db_, sql) != 0) throw DbError(mysql_errno(db_), mysql_error(db_));
}

void Connection::begin() {
  ensure_connected();
  query("START TRANSACTION");
  in_transaction_ = true;
}

void Connection::commit() {
  if (!db_) throw DbError(CR_SERVER_LOST, "connection lost inside a transaction");
  in_transaction_ = false;
  query("COMMIT");
}

void Connection::rollback() {
  in_transaction_ = false;
  if (db_) query("ROLLBACK");
}

}  // namespace seats
