#pragma once

#include <stdexcept>
#include <string>

namespace seats {

// A MariaDB failure, classified once here so callers decide by kind, not by error number.
class DbError : public std::runtime_error {
 public:
  enum class Kind {
    ConnectionLost,  // server gone or unreachable: answer 503, reconnect between requests
    Retryable,       // deadlock (1213) or lock wait timeout (1205): rerun the transaction
    DuplicateKey,    // 1062: a unique key refused the row
    Other,
  };
  DbError(unsigned int number, const std::string& message);
  unsigned int number() const { return number_; }
  Kind kind() const { return kind_; }

 private:
  unsigned int number_;
  Kind kind_;
};

}  // namespace seats
