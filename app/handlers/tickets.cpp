#include "handlers/catalogue_json.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "tickets/checkin.hpp"
#include "tickets/qr_png.hpp"
#include "tickets/ticket_access.hpp"

namespace seats {

Response handle_ticket_png(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t viewer = ctx.token_user(request);
  Response response;
  response.text = qr_png(ticket_code_for(ctx.db, viewer, params.id));
  response.content_type = "image/png";
  // A ticket's code never changes; only its holder's browser may keep it.
  response.headers.emplace_back("Cache-Control", "private, max-age=86400");
  return response;
}

Response handle_checkin(Context& ctx, const Request& request, const RouteParams&) {
  int64_t staff = ctx.require_role(request, Role::Staff);
  JsonBody body = JsonBody::parse(request.body);
  CheckIn admitted = check_in(ctx.db, staff, body.string("code"));
  json_t* seats = booking_seats_json(admitted.seats);
  return json_response(
      200, json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "booking_id",
                     static_cast<json_int_t>(admitted.booking_id), "show_id",
                     static_cast<json_int_t>(admitted.show_id), "movie_title",
                     json_str(admitted.movie_title), "time", json_time(admitted.time), "theatre",
                     json_str(admitted.theatre), "timezone", json_str(admitted.timezone), "seats",
                     seats, "name", json_str(admitted.name), "checked_in_at",
                     json_time(admitted.checked_in_at)));
}

}  // namespace seats
