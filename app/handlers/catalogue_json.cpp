#include "handlers/catalogue_json.hpp"

#include "http/json.hpp"

namespace seats {

json_t* movie_json(const Movie& m) {
  return json_pack("{s:I, s:o, s:o, s:I, s:o}", "id", static_cast<json_int_t>(m.id), "title",
                   json_str(m.title), "description", json_str(m.description), "duration_mins",
                   static_cast<json_int_t>(m.duration_mins), "rating", json_str(m.rating));
}

json_t* show_json(const Showing& s, const std::string& currency) {
  return json_pack(
      "{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:I, s:o, s:s}", "id",
      static_cast<json_int_t>(s.id), "movie_id", static_cast<json_int_t>(s.movie_id), "theatre_id",
      static_cast<json_int_t>(s.theatre_id), "theatre", json_str(s.theatre), "location",
      json_str(s.location), "time", json_time(s.start_time), "movie_title", json_str(s.movie_title),
      "price_cents", static_cast<json_int_t>(s.price_cents), "currency", json_str(currency),
      "on_sale_at", json_time(s.on_sale_at), "queue_rate", static_cast<json_int_t>(s.queue_rate),
      "capacity", static_cast<json_int_t>(s.capacity), "timezone", json_str(s.timezone), "status",
      s.cancelled ? "CANCELLED" : "ON_SALE");
}

json_t* booking_seats_json(const std::vector<BookingSeat>& seats) {
  json_t* list = json_array();
  for (const BookingSeat& s : seats) {
    json_array_append_new(list, json_pack("{s:I, s:o}", "id", static_cast<json_int_t>(s.id), "name",
                                          json_str(s.name)));
  }
  return list;
}

}  // namespace seats
