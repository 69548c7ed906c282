#include "support/db.hpp"

#include <mysql.h>

#include <mutex>
#include <stdexcept>

#include "support/env.hpp"

namespace seats_test {

namespace {
MYSQL* M(void* p) { return static_cast<MYSQL*>(p); }
}  // namespace

std::string Hex(const std::string& bytes) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

Db::Db() : conn_(nullptr) {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) throw std::runtime_error("mysql_init failed");
  conn_ = m;
  const std::string socket = EnvOr("DB_SOCKET", "");
  const std::string host = EnvOr("DB_HOST", "");
  // The tests look at the database from outside the service (lock waits in
  // information_schema need PROCESS): as the stack's admin account where it names one.
  const bool admin = !EnvOr("DB_ADMIN_USER", "").empty();
  const std::string user = admin ? EnvOr("DB_ADMIN_USER", "") : EnvOr("DB_USER", "root");
  const std::string password = admin ? EnvOr("DB_ADMIN_PASSWORD", "") : EnvOr("DB_PASSWORD", "");
  const std::string name = EnvOr("DB_NAME", "seats");
  const auto port = static_cast<unsigned>(EnvInt("DB_PORT", 3306));
  const bool use_socket = host.empty() && !socket.empty();
  const std::string real_host = use_socket ? "localhost" : (host.empty() ? "127.0.0.1" : host);
  if (mysql_real_connect(m, real_host.c_str(), user.c_str(), password.c_str(), name.c_str(), port,
                         use_socket ? socket.c_str() : nullptr, 0) == nullptr) {
    const std::string err = mysql_error(m);
    mysql_close(m);
    conn_ = nullptr;
    throw std::runtime_error(
        "cannot connect to the database (DB_SOCKET/DB_HOST/DB_PORT/DB_USER/"
        "DB_NAME from stack.env): " +
        err);
  }
  exec("SET time_zone = '+00:00'");
}

Db::~Db() {
  if (conn_ != nullptr) mysql_close(M(conn_));
}

void Db::exec(const std::string& sql) {
  if (mysql_real_query(M(conn_), sql.data(), sql.size()) != 0) {
    throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(M(conn_)));
  }
  MYSQL_RES* res = mysql_store_result(M(conn_));
  if (res != nullptr) {
    mysql_free_result(res);
  } else if (mysql_field_count(M(conn_)) != 0) {
    throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(M(conn_)));
  }
}

std::vector<DbRow> Db::rows(const std::string& sql) {
  if (mysql_real_query(M(conn_), sql.data(), sql.size()) != 0) {
    throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(M(conn_)));
  }
  MYSQL_RES* res = mysql_store_result(M(conn_));
  std::vector<DbRow> out;
  if (res == nullptr) {
    // An error found while the rows are read (a lock conflict under NOWAIT, say) arrives
    // after the query itself was accepted.
    if (mysql_field_count(M(conn_)) != 0) {
      throw std::runtime_error("SQL failed: " + sql + ": " + mysql_error(M(conn_)));
    }
    return out;
  }
  const unsigned fields = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    DbRow r;
    for (unsigned i = 0; i < fields; ++i) {
      if (row[i] == nullptr)
        r.emplace_back(std::nullopt);
      else
        r.emplace_back(std::string(row[i], lengths[i]));
    }
    out.push_back(std::move(r));
  }
  mysql_free_result(res);
  return out;
}

std::optional<std::string> Db::value(const std::string& sql) {
  const auto r = rows(sql);
  if (r.empty() || r[0].empty()) return std::nullopt;
  return r[0][0];
}

std::int64_t Db::integer(const std::string& sql) {
  const auto v = value(sql);
  if (!v) throw std::runtime_error("SQL gave no value: " + sql);
  return std::stoll(*v);
}

TimePoint Db::now() {
  const auto v = value("SELECT UTC_TIMESTAMP(6)");
  if (!v) throw std::runtime_error("no database time");
  return ParseTime(*v);
}

}  // namespace seats_test
