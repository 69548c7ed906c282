#include "catalogue/catalogue.hpp"

#include "handlers/handlers.hpp"

namespace seats {

Response handle_list_movies(Context& ctx, const Request&, const RouteParams&) {
  json_t* list = json_array();
  for (const Movie& m : list_movies(ctx.db)) {
    json_array_append_new(
        list, json_pack("{s:I, s:o, s:o, s:I, s:o}", "id", static_cast<json_int_t>(m.id), "title",
                        json_str(m.title), "description", json_str(m.description), "duration_mins",
                        static_cast<json_int_t>(m.duration_mins), "rating", json_str(m.rating)));
  }
  return json_response(200, list);
}

Response handle_list_shows(Context& ctx, const Request&, const RouteParams& params) {
  json_t* list = json_array();
  for (const Showing& s : list_shows(ctx.db, params.id)) {
    json_array_append_new(
        list, json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "id", static_cast<json_int_t>(s.id),
                        "movie_id", static_cast<json_int_t>(s.movie_id), "theatre_id",
                        static_cast<json_int_t>(s.theatre_id), "theatre", json_str(s.theatre),
                        "location", json_str(s.location), "time", json_time(s.start_time)));
  }
  return json_response(200, list);
}

Response handle_seat_map(Context& ctx, const Request& request, const RouteParams& params) {
  return json_text_response(200, ctx.seat_maps.body(ctx.db, params.id, ctx.optional_user(request)));
}

}  // namespace seats
