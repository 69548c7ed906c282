#include "events/seat_events.hpp"

#include "http/json.hpp"

namespace seats {

std::string seats_event(const std::vector<SeatChange>& changes) {
  json_t* seats = json_array();
  for (const SeatChange& change : changes) {
    json_t* seat = json_pack("{s:I, s:s}", "id", static_cast<json_int_t>(change.seat_id), "status",
                             change.status);
    if (!change.expires_at.empty()) {
      json_object_set_new(seat, "expires_at", json_time(change.expires_at));
    }
    json_array_append_new(seats, seat);
  }
  Json event(json_pack("{s:o}", "seats", seats));
  return json_text(event.get());
}

std::string seats_event(const std::vector<int64_t>& seat_ids, const char* status) {
  std::vector<SeatChange> changes;
  changes.reserve(seat_ids.size());
  for (int64_t id : seat_ids) changes.push_back({id, status, {}});
  return seats_event(changes);
}

std::string show_cancelled_event() { return R"({"show":"CANCELLED"})"; }

}  // namespace seats
