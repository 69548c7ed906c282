#include "db/statement.hpp"

#include <errmsg.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

#include "db/error.hpp"

namespace seats {
namespace {

// The smallest text buffer: it fits every integer and DATETIME(6) as text, so statements
// that return only those never grow theirs.
constexpr unsigned long kInitialColumnBytes = 64;

}  // namespace

Statement::Statement(MYSQL* db, std::string_view sql, bool* connection_poisoned)
    : stmt_(mysql_stmt_init(db)), connection_poisoned_(connection_poisoned) {
  if (!stmt_) throw DbError(mysql_errno(db), mysql_error(db));
  if (mysql_stmt_prepare(stmt_, sql.data(), sql.size()) != 0) fail();
  // mysql_stmt_store_result then records each column's longest value (its text length;
  // for numbers and temporals the longest text of the type): bind_results sizes from it.
  my_bool update_max_length = 1;
  if (mysql_stmt_attr_set(stmt_, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max_length) != 0) fail();
}

Statement::~Statement() { mysql_stmt_close(stmt_); }

void Statement::fail() const { throw DbError(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_)); }

Statement& Statement::run(std::initializer_list<Param> params) {
  return run(std::vector<Param>(params));
}

Statement& Statement::run(const std::vector<Param>& params) {
  if (poisoned_) {
    throw DbError(CR_COMMANDS_OUT_OF_SYNC, "statement unusable after a result set failed part-way");
  }
  mysql_stmt_free_result(stmt_);
  std::vector<MYSQL_BIND> binds(params.size());
  std::vector<long long> ints(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    MYSQL_BIND& b = binds[i];
    std::memset(&b, 0, sizeof b);
    if (std::holds_alternative<std::nullptr_t>(params[i])) {
      b.buffer_type = MYSQL_TYPE_NULL;
    } else if (auto* n = std::get_if<int64_t>(&params[i])) {
      ints[i] = *n;
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &ints[i];
    } else {
      auto text = std::get<std::string_view>(params[i]);
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(text.data());
      b.buffer_length = text.size();
    }
  }
  if (mysql_stmt_param_count(stmt_) != params.size()) {
    throw DbError(0, "statement expects " + std::to_string(mysql_stmt_param_count(stmt_)) +
                         " parameters, got " + std::to_string(params.size()));
  }
  if (!binds.empty() && mysql_stmt_bind_param(stmt_, binds.data()) != 0) fail();
  if (mysql_stmt_execute(stmt_) != 0) fail();
  if (mysql_stmt_field_count(stmt_) > 0) {
    if (mysql_stmt_store_result(stmt_) != 0) {
      poisoned_ = true;
      *connection_poisoned_ = true;
      fail();
    }
    bind_results();
  }
  return *this;
}

// Binds every column to a buffer that holds the longest value of the stored result set,
// before its first row is fetched, so no fetch ever truncates.
//
// Why not the classic "fetch, see MYSQL_DATA_TRUNCATED, grow, mysql_stmt_fetch_column,
// rebind": what mysql_stmt_bind_result does to the caller's *length differs between
// Connector/C patch releases. 3.3.19 (Debian's libmariadb3 10.11.18) sets it to 0 for
// every column (regression CONC-821; Debian's 10.11.19, Connector/C 3.3.20, has the fix),
// so rebinding after fetching a row emptied that whole row: stored idempotency rows read
// back empty and replays answered 422. Binding only between result sets, before any
// fetch, depends on neither behaviour; a value that still does not fit is an error.
void Statement::bind_results() {
  unsigned int columns = mysql_stmt_field_count(stmt_);
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> meta(mysql_stmt_result_metadata(stmt_),
                                                                mysql_free_result);
  if (!meta) fail();
  const MYSQL_FIELD* fields = mysql_fetch_fields(meta.get());
  if (buffers_.size() != columns) {
    result_binds_.assign(columns, MYSQL_BIND{});
    buffers_.assign(columns, std::string(kInitialColumnBytes, '\0'));
    lengths_.assign(columns, 0);
    nulls_.assign(columns, 0);
    errors_.assign(columns, 0);
  }
  for (unsigned int i = 0; i < columns; ++i) {
    // Buffers only grow: a statement reused with shorter values keeps its memory.
    size_t needed = std::max<size_t>(kInitialColumnBytes, size_t{fields[i].max_length} + 1);
    if (buffers_[i].size() < needed) buffers_[i].resize(needed);
    MYSQL_BIND& b = result_binds_[i];
    std::memset(&b, 0, sizeof b);
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = buffers_[i].data();
    b.buffer_length = buffers_[i].size();
    b.length = &lengths_[i];
    b.is_null = &nulls_[i];
    b.error = &errors_[i];
  }
  if (mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail();
}

bool Statement::next() {
  if (mysql_stmt_field_count(stmt_) == 0) return false;
  int rc = mysql_stmt_fetch(stmt_);
  if (rc == MYSQL_NO_DATA) return false;
  if (rc == 1) fail();
  // Cannot happen while max_length is right. Checked by length as well, so a short value
  // is refused (and text() never reads past a buffer) even without truncation reports.
  bool truncated = rc == MYSQL_DATA_TRUNCATED;
  for (size_t i = 0; i < buffers_.size(); ++i) {
    truncated = truncated || (!nulls_[i] && lengths_[i] > buffers_[i].size());
  }
  if (truncated) {
    throw DbError(0, "a column is longer than the max_length Connector/C reported for it");
  }
  return true;
}

bool Statement::is_null(int column) const { return nulls_.at(column); }

int64_t Statement::int64(int column) const {
  if (is_null(column)) return 0;
  const char* text = buffers_[column].data();
  int64_t value = 0;
  std::from_chars(text, text + lengths_[column], value);
  return value;
}

std::string Statement::text(int column) const {
  if (is_null(column)) return {};
  return std::string(buffers_[column].data(), lengths_[column]);
}

uint64_t Statement::affected_rows() const { return mysql_stmt_affected_rows(stmt_); }

int64_t Statement::insert_id() const { return static_cast<int64_t>(mysql_stmt_insert_id(stmt_)); }

}  // namespace seats
