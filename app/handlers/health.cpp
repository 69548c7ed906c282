#include "handlers/handlers.hpp"

namespace seats {

Response handle_health(Context& ctx, const Request&, const RouteParams&) {
  if (!ctx.db.ping()) throw ApiError(Err::Unavailable, "The database is not answering");
  return json_response(200, json_pack("{s:s}", "status", "ok"));
}

// Answers without touching the database: a liveness probe, and the benchmark's measure
// of what nginx plus the FastCGI pool cost on their own.
Response handle_liveness(Context&, const Request&, const RouteParams&) {
  return json_response(200, json_pack("{s:s}", "status", "ok"));
}

}  // namespace seats
