#include "events/seat_events.hpp"
#include "handlers/handlers.hpp"
#include "handlers/seat_refusals.hpp"
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

// The answer a transaction would give when the seat is known to be sold or someone
// else's (SeatRefusals).
void refuse_if_known(Context& ctx, LockAction action, int64_t user_id, int64_t seat_id) {
  if (auto reason = ctx.refusals.known(seat_id, user_id)) {
    refuse_taken_seat(action == LockAction::Release, *reason == SeatRefusals::Reason::Sold);
  }
}

// Runs the hold or release transaction and remembers a refusal for the seat's next callers.
template <typename Body>
auto remembering_refusals(Context& ctx, int64_t seat_id, Body&& run) {
  SeatRefusals::Before before = ctx.refusals.before(seat_id);
  SeatSeen seen;
  try {
    return run(&seen);
  } catch (const ApiError& e) {
    if (e.code() == Err::SeatUnavailable || e.code() == Err::NotLockHolder) {
      ctx.refusals.remember(seat_id, before, seen);
    }
    throw;
  }
}

Response release(Context& ctx, int64_t user_id, int64_t seat_id) {
  refuse_if_known(ctx, LockAction::Release, user_id, seat_id);
  Release freed = remembering_refusals(
      ctx, seat_id, [&](SeatSeen* seen) { return release_seat(ctx.db, user_id, seat_id, seen); });
  if (freed.freed) {
    ctx.seats_changed(freed.show_id, seats_event({{seat_id, "AVAILABLE", {}}}));
  } else {
    ctx.seat_maps.changed(freed.show_id);
  }
  return released(seat_id);
}

}  // namespace

// Both transactions below refuse a user who no longer exists (401), so the token alone is
// checked up front; a bad body must still not hide a 401, which comes first. A refusal
// remembered for the seat skips both the transaction and that check: a deleted user's
// token that is still valid can hear 409 there instead of 401.
Response handle_lock_seat(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.token_user(request);
  LockAction action;
  try {
    action = lock_action(request);
  } catch (const ApiError&) {
    ctx.require_user(user_id);
    throw;
  }
  if (action == LockAction::Release) return release(ctx, user_id, params.id);
  refuse_if_known(ctx, LockAction::Lock, user_id, params.id);
  Hold hold = remembering_refusals(ctx, params.id, [&](SeatSeen* seen) {
    return lock_seat(ctx.db, ctx.settings, user_id, params.id, seen);
  });
  if (hold.taken) {
    ctx.seats_changed(hold.show_id, seats_event({{hold.seat_id, "LOCKED", hold.expires_at}}));
  } else {
    ctx.seat_maps.changed(hold.show_id);
  }
  return json_response(200, json_pack("{s:s, s:I, s:I, s:o}", "message", "Locked", "seat_id",
                                      static_cast<json_int_t>(hold.seat_id), "show_id",
                                      static_cast<json_int_t>(hold.show_id), "expires_at",
                                      json_time(hold.expires_at)));
}

Response handle_release_seat(Context& ctx, const Request& request, const RouteParams& params) {
  return release(ctx, ctx.token_user(request), params.id);
}

}  // namespace seats
