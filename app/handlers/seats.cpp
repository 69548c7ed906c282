#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "seats/holds.hpp"

namespace seats {
namespace {

enum class LockAction { Lock, Release };

// No body, {} and {"status":"LOCKED"} lock; {"status":"AVAILABLE"} releases.
LockAction lock_action(const Request& request) {
  JsonBody body = JsonBody::parse(request.body, /*allow_empty=*/true);
  auto status = body.optional_string("status");
  if (!status || *status == "LOCKED") return LockAction::Lock;
  if (*status == "AVAILABLE") return LockAction::Release;
  throw ApiError(Err::ValidationFailed, "status must be \"LOCKED\" or \"AVAILABLE\"");
}

Response released(int64_t seat_id) {
  return json_response(200, json_pack("{s:s, s:I}", "message", "Released", "seat_id",
                                      static_cast<json_int_t>(seat_id)));
}

}  // namespace

// Both transactions below refuse a user who no longer exists (401), so the token alone is
// checked up front; a bad body must still not hide a 401, which comes first.
Response handle_lock_seat(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.token_user(request);
  LockAction action;
  try {
    action = lock_action(request);
  } catch (const ApiError&) {
    ctx.require_user(user_id);
    throw;
  }
  if (action == LockAction::Release) {
    ctx.seat_maps.changed(release_seat(ctx.db, user_id, params.id));
    return released(params.id);
  }
  Hold hold = lock_seat(ctx.db, ctx.settings, user_id, params.id);
  ctx.seat_maps.changed(hold.show_id);
  return json_response(200, json_pack("{s:s, s:I, s:I, s:o}", "message", "Locked", "seat_id",
                                      static_cast<json_int_t>(hold.seat_id), "show_id",
                                      static_cast<json_int_t>(hold.show_id), "expires_at",
                                      json_time(hold.expires_at)));
}

Response handle_release_seat(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.token_user(request);
  ctx.seat_maps.changed(release_seat(ctx.db, user_id, params.id));
  return released(params.id);
}

}  // namespace seats
