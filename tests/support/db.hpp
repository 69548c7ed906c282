// A direct MariaDB connection for checking what the API left behind (read-only by intent:
// the writes the suite makes are deleting a user it created itself, and one hold written
// around the API to see how soon seat maps show it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/timeutil.hpp"

namespace seats_test {

using DbRow = std::vector<std::optional<std::string>>;

// Upper-case hex of the bytes, to compare what is stored byte for byte (`HEX(col) = '...'`)
// and to put any text into SQL without quoting it (`UNHEX('...')`).
std::string Hex(const std::string& bytes);

class Db {
 public:
  // From DB_SOCKET, or DB_HOST/DB_PORT, and DB_ADMIN_USER/DB_ADMIN_PASSWORD (else DB_USER,
  // DB_PASSWORD), DB_NAME. Throws on failure.
  Db();
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  std::vector<DbRow> rows(const std::string& sql);
  // First column of the first row; nullopt when there is no row or it is NULL.
  std::optional<std::string> value(const std::string& sql);
  std::int64_t integer(const std::string& sql);  // throws when there is no value
  void exec(const std::string& sql);

  TimePoint now();  // the database clock (UTC), which judges hold expiry

 private:
  void* conn_;  // MYSQL*
};

}  // namespace seats_test
