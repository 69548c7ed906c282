#include "db/error.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

namespace seats {
namespace {

DbError::Kind classify(unsigned int number) {
  switch (number) {
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
      return DbError::Kind::Retryable;
    case ER_DUP_ENTRY:
      return DbError::Kind::DuplicateKey;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case CR_COMMANDS_OUT_OF_SYNC:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_QUERY_INTERRUPTED:
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
      return DbError::Kind::ConnectionLost;
    default:
      // 4031: the server closed an idle session (idle_*_transaction_timeout).
      return number == 4031 ? DbError::Kind::ConnectionLost : DbError::Kind::Other;
  }
}

}  // namespace

DbError::DbError(unsigned int number, const std::string& message)
    : std::runtime_error(message), number_(number), kind_(classify(number)) {}

}  // namespace seats
