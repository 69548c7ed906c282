#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace seats {

struct AuditEntry {
  int64_t id;
  std::string at;    // DATETIME(6), UTC
  int64_t actor_id;  // 0: none (a change made outside the API)
  std::string action;
  std::string target;
  std::string detail;
};

// Appends one entry; call it inside the transaction of the change it records, so that
// both commit or neither does. actor_id 0: none.
void append_audit(Connection& db, int64_t actor_id, const std::string& action,
                  const std::string& target, const std::string& detail);

// The newest `limit` entries of the audit trail, newest first (API.md Part 2, "Operators").
std::vector<AuditEntry> recent_audit(Connection& db, int limit);

}  // namespace seats
