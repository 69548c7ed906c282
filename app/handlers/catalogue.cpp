#include "catalogue/catalogue.hpp"

#include "handlers/catalogue_json.hpp"
#include "handlers/handlers.hpp"

namespace seats {

Response handle_list_movies(Context& ctx, const Request&, const RouteParams&) {
  json_t* list = json_array();
  for (const Movie& m : list_movies(ctx.db)) json_array_append_new(list, movie_json(m));
  return json_response(200, list);
}

Response handle_list_shows(Context& ctx, const Request&, const RouteParams& params) {
  json_t* list = json_array();
  for (const Showing& s : list_shows(ctx.db, params.id)) {
    json_array_append_new(list, show_json(s, ctx.settings.currency));
  }
  return json_response(200, list);
}

Response handle_seat_map(Context& ctx, const Request& request, const RouteParams& params) {
  return json_text_response(200, ctx.seat_maps.body(ctx.db, params.id, ctx.optional_user(request)));
}

}  // namespace seats
