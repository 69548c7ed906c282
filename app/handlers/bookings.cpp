#include "bookings/bookings.hpp"

#include <algorithm>
#include <set>
#include <variant>

#include "bookings/idempotency.hpp"
#include "db/error.hpp"
#include "events/seat_events.hpp"
#include "handlers/catalogue_json.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"

namespace seats {
namespace {

constexpr size_t kMaxSeatsPerBooking = 10;

struct BookingRequest {
  int64_t show_id;
  std::vector<int64_t> seat_ids;
};

BookingRequest parse_booking(const JsonBody& body) {
  BookingRequest request{body.id("show_id"), {}};
  bool one = body.has("seat_id"), many = body.has("seat_ids");
  if (one == many) {
    throw ApiError(Err::ValidationFailed, "give exactly one of seat_id and seat_ids");
  }
  request.seat_ids = one ? std::vector<int64_t>{body.id("seat_id")} : body.id_array("seat_ids");
  if (request.seat_ids.empty() || request.seat_ids.size() > kMaxSeatsPerBooking) {
    throw ApiError(Err::ValidationFailed, "seat_ids must hold 1 to 10 seats");
  }
  if (std::set<int64_t>(request.seat_ids.begin(), request.seat_ids.end()).size() !=
      request.seat_ids.size()) {
    throw ApiError(Err::ValidationFailed, "seat_ids must not repeat a seat");
  }
  return request;
}

// API.md: the service never claims a mail it will not send.
json_t* booking_json(const NewBooking& booking, const Settings& settings) {
  json_t* seat_ids = json_array();
  for (int64_t id : booking.seat_ids) json_array_append_new(seat_ids, json_integer(id));
  const char* message =
      mail_setting(settings) == Mail::On ? "Ticket sent to your email." : "Booking confirmed.";
  return json_pack("{s:I, s:s, s:I, s:o, s:I, s:o, s:o, s:s}", "booking_id",
                   static_cast<json_int_t>(booking.booking_id), "status", "CONFIRMED", "show_id",
                   static_cast<json_int_t>(booking.show_id), "seat_ids", seat_ids, "total_cents",
                   static_cast<json_int_t>(booking.total_cents), "currency",
                   json_str(settings.currency), "ticket_code", json_str(booking.ticket_code),
                   "message", message);
}

Response replay(const StoredAnswer& answer) {
  Response response = json_response(answer.status, json_loads(answer.body.c_str(), 0, nullptr));
  if (answer.status >= 400) response.content_type = "application/problem+json";
  return response;
}

}  // namespace

Response handle_create_booking(Context& ctx, const Request& request, const RouteParams&) {
  int64_t user_id = ctx.authenticate(request);
  JsonBody body = JsonBody::parse(request.body);
  BookingRequest booking = parse_booking(body);
  if (!request.has_idempotency_key) {
    NewBooking created = create_booking(ctx.db, user_id, booking.show_id, booking.seat_ids,
                                        mail_setting(ctx.settings), {});
    ctx.seats_changed(created.show_id, seats_event(created.seat_ids, "SOLD"));
    return json_response(201, booking_json(created, ctx.settings));
  }

  const std::string& key = request.idempotency_key;
  check_idempotency_key(key);
  auto claimed = claim_idempotency_key(ctx.db, ctx.settings, user_id, key, body.canonical());
  if (auto* answer = std::get_if<StoredAnswer>(&claimed)) {
    // The first attempt may have committed and then lost its worker before telling the
    // other workers; this answer must not be contradicted by a stale seat map.
    if (answer->status == 201) ctx.seat_maps.changed(booking.show_id);
    return replay(*answer);
  }
  const IdempotencyClaim& claim = std::get<IdempotencyClaim>(claimed);
  try {
    Json answer;
    create_booking(ctx.db, user_id, booking.show_id, booking.seat_ids, mail_setting(ctx.settings),
                   [&](const NewBooking& created) {
                     answer.reset(booking_json(created, ctx.settings));
                     // A claim taken over while this request ran (it counted as abandoned)
                     // belongs to another request now: this booking must not commit
                     // without its answer, so it rolls back.
                     if (!store_idempotent_answer(ctx.db, claim, 201, json_text(answer.get()))) {
                       throw ApiError(Err::RequestInProgress,
                                      "A newer request with this Idempotency-Key is running");
                     }
                   });
    ctx.seats_changed(booking.show_id, seats_event(booking.seat_ids, "SOLD"));
    return json_response(201, answer.release());
  } catch (const ApiError& e) {
    if (e.code() == Err::Unavailable) {
      release_idempotency_key(ctx.db, claim);
      throw;
    }
    // A refusal is an answer too: the same request with the same key gets it again.
    Response problem = problem_response(e);
    store_idempotent_answer(ctx.db, claim, problem.status, json_text(problem.body.get()));
    return problem;
  } catch (const DbError&) {
    release_idempotency_key(ctx.db, claim);
    throw;
  }
}

Response handle_list_bookings(Context& ctx, const Request& request, const RouteParams&) {
  int64_t user_id = ctx.authenticate(request);
  json_t* list = json_array();
  for (const Booking& b : list_bookings(ctx.db, user_id)) {
    json_t* seats = booking_seats_json(b.seats);
    json_array_append_new(
        list, json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:o}",
                        "booking_id", static_cast<json_int_t>(b.id), "status", json_str(b.status),
                        "show_id", static_cast<json_int_t>(b.show_id), "movie_title",
                        json_str(b.movie_title), "time", json_time(b.time), "theatre",
                        json_str(b.theatre), "seats", seats, "created_at", json_time(b.created_at),
                        "total_cents", static_cast<json_int_t>(b.total_cents), "currency",
                        json_str(ctx.settings.currency), "timezone", json_str(b.timezone),
                        "ticket_code", json_str(b.ticket_code), "checked_in_at",
                        b.checked_in_at.empty() ? json_null() : json_time(b.checked_in_at)));
  }
  return json_response(200, list);
}

Response handle_cancel_booking(Context& ctx, const Request& request, const RouteParams& params) {
  int64_t user_id = ctx.authenticate(request);
  CancelledBooking cancelled =
      cancel_booking(ctx.db, user_id, params.id, mail_setting(ctx.settings));
  ctx.seats_changed(cancelled.show_id, seats_event(cancelled.seat_ids, "AVAILABLE"));
  return json_response(200, json_pack("{s:I, s:s}", "booking_id",
                                      static_cast<json_int_t>(params.id), "status", "CANCELLED"));
}

}  // namespace seats
