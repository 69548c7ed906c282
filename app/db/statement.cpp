#include "db/statement.hpp"

#include <charconv>
#include <cstring>

#include "db/error.hpp"

namespace seats {
namespace {

// Text buffers start at this size and grow on truncation; it fits every number and
// DATETIME(6), so only long descriptions ever need a second fetch.
constexpr unsigned long kInitialColumnBytes = 64;

}  // namespace

Statement::Statement(MYSQL* db, std::string_view sql) : stmt_(mysql_stmt_init(db)) {
  if (!stmt_) throw DbError(mysql_errno(db), mysql_error(db));
  if (mysql_stmt_prepare(stmt_, sql.data(), sql.size()) != 0) fail();
}

Statement::~Statement() { mysql_stmt_close(stmt_); }

void Statement::fail() const { throw DbError(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_)); }

Statement& Statement::run(std::initializer_list<Param> params) {
  return run(std::vector<Param>(params));
}

Statement& Statement::run(const std::vector<Param>& params) {
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
    if (mysql_stmt_store_result(stmt_) != 0) fail();
    bind_results();
  }
  return *this;
}

void Statement::bind_results() {
  unsigned int columns = mysql_stmt_field_count(stmt_);
  if (result_binds_.size() == columns) return;  // bound once; buffers are reused
  result_binds_.assign(columns, MYSQL_BIND{});
  buffers_.assign(columns, std::string(kInitialColumnBytes, '\0'));
  lengths_.assign(columns, 0);
  nulls_.assign(columns, 0);
  errors_.assign(columns, 0);
  for (unsigned int i = 0; i < columns; ++i) {
    MYSQL_BIND& b = result_binds_[i];
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
  if (rc == MYSQL_DATA_TRUNCATED) {
    for (size_t i = 0; i < result_binds_.size(); ++i) {
      if (!errors_[i]) continue;
      buffers_[i].assign(lengths_[i] + 1, '\0');
      result_binds_[i].buffer = buffers_[i].data();
      result_binds_[i].buffer_length = buffers_[i].size();
      if (mysql_stmt_fetch_column(stmt_, &result_binds_[i], static_cast<unsigned int>(i), 0)) {
        fail();
      }
    }
    // Rebind so later rows use the grown buffers.
    if (mysql_stmt_bind_result(stmt_, result_binds_.data()) != 0) fail();
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
