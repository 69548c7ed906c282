// Operators' shows: adding, listing, cancelling and reporting on them (API.md Part 2,
// "Operators"). Each handler starts with the role check.
#include "admin/shows.hpp"
#include "events/seat_events.hpp"
#include "handlers/catalogue_json.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"

namespace seats {
namespace {

constexpr int64_t kMaxPriceCents = 10'000'000;
constexpr int64_t kMaxQueueRate = 10'000;

std::string utc_time(const std::string& value, const char* field) {
  std::optional<std::string> time = utc_datetime_from_rfc3339(value);
  if (!time) {
    throw ApiError(Err::ValidationFailed,
                   std::string(field) +
                       " must be an RFC 3339 date-time such as 2026-12-24T18:30:00Z or "
                       "2026-12-24T18:30:00+05:30 (whole seconds)");
  }
  return *time;
}

}  // namespace

Response handle_admin_create_show(Context& ctx, const Request& request, const RouteParams&) {
  int64_t actor = ctx.require_role(request, Role::Admin);
  JsonBody body = JsonBody::parse(request.body);
  NewShow show{body.id("movie_id"),
               body.id("theatre_id"),
               utc_time(body.string("time"), "time"),
               body.optional_integer("price_cents", 0, kMaxPriceCents).value_or(0),
               std::nullopt,
               body.optional_integer("queue_rate", 0, kMaxQueueRate).value_or(0)};
  if (auto on_sale_at = body.optional_string("on_sale_at")) {
    show.on_sale_at = utc_time(*on_sale_at, "on_sale_at");
  }
  int64_t show_id = create_show(ctx.db, actor, show, ctx.settings.currency);
  std::optional<Showing> created = find_show(ctx.db, show_id);
  if (!created) throw ApiError(Err::ShowNotFound, "The new show is gone already");
  return json_response(201, show_json(*created, ctx.settings.currency));
}

Response handle_admin_list_shows(Context& ctx, const Request& request, const RouteParams&) {
  ctx.require_role(request, Role::Admin);
  json_t* list = json_array();
  for (const Showing& s : list_all_shows(ctx.db)) {
    json_array_append_new(list, show_json(s, ctx.settings.currency));
  }
  return json_response(200, list);
}

Response handle_admin_cancel_show(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t actor = ctx.require_role(request, Role::Admin);
  int64_t cancelled = cancel_show(ctx.db, actor, params.id, mail_setting(ctx.settings));
  // Every worker's seat-map copy and remembered refusals for the show are stale now.
  ctx.seats_changed(params.id, show_cancelled_event());
  return json_response(
      200, json_pack("{s:I, s:s, s:I}", "show_id", static_cast<json_int_t>(params.id), "status",
                     "CANCELLED", "bookings_cancelled", static_cast<json_int_t>(cancelled)));
}

Response handle_admin_show_report(Context& ctx, const Request& request, const RouteParams& params) {
  ctx.require_role(request, Role::Admin);
  ShowReport r = show_report(ctx.db, params.id);
  return json_response(
      200,
      json_pack(
          "{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "show_id",
          static_cast<json_int_t>(params.id), "status", r.cancelled ? "CANCELLED" : "ON_SALE",
          "capacity", static_cast<json_int_t>(r.capacity), "available",
          static_cast<json_int_t>(r.available()), "held", static_cast<json_int_t>(r.held), "sold",
          static_cast<json_int_t>(r.sold), "bookings", static_cast<json_int_t>(r.bookings),
          "cancelled_bookings", static_cast<json_int_t>(r.cancelled_bookings), "checked_in",
          static_cast<json_int_t>(r.checked_in), "revenue_cents",
          static_cast<json_int_t>(r.revenue_cents), "currency", json_str(ctx.settings.currency)));
}

}  // namespace seats
