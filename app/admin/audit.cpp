#include "admin/audit.hpp"

namespace seats {

void append_audit(Connection& db, int64_t actor_id, const std::string& action,
                  const std::string& target, const std::string& detail) {
  Statement& q = db.statement(
      "INSERT INTO audit_log (actor_id, action, target, detail) VALUES (NULLIF(?, 0), ?, ?, ?)");
  q.run({actor_id, action, target, detail});
}

std::vector<AuditEntry> recent_audit(Connection& db, int limit) {
  Statement& q = db.statement(
      "SELECT id, at, actor_id, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?");
  q.run({int64_t{limit}});
  std::vector<AuditEntry> entries;
  while (q.next()) {
    entries.push_back(
        {q.int64(0), q.text(1), q.is_null(2) ? 0 : q.int64(2), q.text(3), q.text(4), q.text(5)});
  }
  return entries;
}

}  // namespace seats
