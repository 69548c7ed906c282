#pragma once

#include <mysql.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace seats {

// A bound parameter: SQL NULL, an integer or a string.
using Param = std::variant<std::nullptr_t, int64_t, std::string_view>;

// One prepared statement on one connection. Results are fetched as text (Connector/C
// converts numbers and DATETIMEs), buffered client-side, and read with typed accessors.
// Each result set is bound before its first fetch to buffers sized from its longest values,
// so a value is never truncated nor fetched twice (why: bind_results in statement.cpp).
//
// A result set that fails part-way (a deadlock found while a locking read sends its rows)
// leaves Connector/C's statement in a state in which its next execute waits for rows that
// will never come (ProxySQL's reg_test_mariadb_stmt_store_result shows the same bug), and
// resetting or closing it waits the same way. Such a statement marks itself and its
// connection `poisoned`; it is never run again, and the connection replaces itself before
// its next use outside a transaction (db/connection.cpp).
class Statement {
 public:
  Statement(MYSQL* db, std::string_view sql, bool* connection_poisoned);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds params, executes, and buffers any result set. Throws DbError.
  Statement& run(std::initializer_list<Param> params);
  Statement& run(const std::vector<Param>& params);
  // Advances to the next buffered row; false when there is none.
  bool next();

  bool is_null(int column) const;
  int64_t int64(int column) const;
  bool flag(int column) const { return int64(column) != 0; }
  std::string text(int column) const;

  uint64_t affected_rows() const;
  int64_t insert_id() const;

 private:
  [[noreturn]] void fail() const;
  // Sizes the column buffers for the stored result set and binds them. Throws DbError.
  void bind_results();

  MYSQL_STMT* stmt_;
  bool* connection_poisoned_;
  bool poisoned_ = false;
  std::vector<MYSQL_BIND> result_binds_;
  std::vector<std::string> buffers_;
  std::vector<unsigned long> lengths_;
  std::vector<my_bool> nulls_;
  std::vector<my_bool> errors_;
};

}  // namespace seats
