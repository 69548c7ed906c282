#include "catalogue/catalogue.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "queue/waiting_room.hpp"

namespace seats {
namespace {

json_t* time_or_null(const std::string& db_datetime) {
  return db_datetime.empty() ? json_null() : json_time(db_datetime);
}

Response place_json(const QueuePlace& place) {
  return json_response(200, json_pack("{s:s, s:o, s:o, s:o}", "status", place.status, "position",
                                      place.position ? json_integer(*place.position) : json_null(),
                                      "admit_at", time_or_null(place.admit_at), "admitted_until",
                                      time_or_null(place.admitted_until)));
}

// A PRE_QUEUE place also says when to ask again (queue/turn_hint.hpp): near the caller's
// own turn, so that not every early joiner asks at on_sale_at.
Response place_answer(Context& ctx, int64_t show_id, const QueuePlace& place) {
  Response answer = place_json(place);
  if (place.draw) {
    if (auto seconds = ctx.turn_hints.ask_again_after_s(ctx.db, show_id, *place.draw)) {
      answer.headers.emplace_back("Retry-After", std::to_string(*seconds));
    }
  }
  return answer;
}

}  // namespace

// 20,000 people joining in the ten seconds before a sale and asking for their place in the
// seconds after it: the fast paths answer most of them in one round trip.
Response handle_join_queue(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.token_user(request);
  if (auto place = join_queue_fast(ctx.db, ctx.settings, user_id, params.id)) {
    return place_answer(ctx, params.id, *place);
  }
  ctx.require_user(user_id);
  return place_answer(ctx, params.id, join_queue(ctx.db, ctx.settings, user_id, params.id));
}

Response handle_queue_place(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.token_user(request);
  if (auto place = queue_place_fast(ctx.db, ctx.settings, user_id, params.id)) {
    return place_json(*place);
  }
  ctx.require_user(user_id);
  return place_answer(ctx, params.id, queue_place(ctx.db, ctx.settings, user_id, params.id));
}

// Asked by nginx (nchan_authorize_request), never by a client: whether a new subscriber may
// have the show's event stream. Our 404 problem is what the subscriber then receives.
Response handle_event_subscription(Context& ctx, const Request&, const RouteParams& params) {
  std::optional<Showing> show = find_show(ctx.db, params.id);
  if (!show || show->cancelled) throw ApiError(Err::ShowNotFound, "No show has this id");
  return json_text_response(200, "");
}

}  // namespace seats
