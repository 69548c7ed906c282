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

// The newest `limit` entries of the audit trail, newest first (API.md Part 2, "Operators").
std::vector<AuditEntry> recent_audit(Connection& db, int limit);

}  // namespace seats
