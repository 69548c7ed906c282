// The operator's side (API.md Part 2, "Operators"): every handler here starts with the role
// check, and the route-table test calls each /api/v1/admin route without the role.
#include "admin/audit.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"

namespace seats {
namespace {

constexpr int kAuditEntries = 100;

}  // namespace

Response handle_admin_audit(Context& ctx, const Request& request, const RouteParams&) {
  ctx.require_role(request, Role::Admin);
  json_t* list = json_array();
  for (const AuditEntry& e : recent_audit(ctx.db, kAuditEntries)) {
    json_array_append_new(
        list,
        json_pack("{s:I, s:o, s:o, s:o, s:o, s:o}", "id", static_cast<json_int_t>(e.id), "at",
                  json_time(e.at), "actor_id", e.actor_id ? json_integer(e.actor_id) : json_null(),
                  "action", json_str(e.action), "target", json_str(e.target), "detail",
                  json_str(e.detail)));
  }
  return json_response(200, list);
}

}  // namespace seats
