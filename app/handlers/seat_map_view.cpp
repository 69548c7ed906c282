#include "handlers/seat_map_view.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "http/json.hpp"

namespace seats {
namespace {

// Enough for every show of a busy week; past it the copy that went stale first makes room.
constexpr size_t kMaxGrids = 256;

// The seat's fixed members as jansson writes them, left open for "status".
std::string opening(const SeatState& s) {
  Json seat(json_pack("{s:I, s:o, s:o, s:I}", "id", static_cast<json_int_t>(s.id), "name",
                      json_str(s.row + std::to_string(s.number)), "row", json_str(s.row), "number",
                      static_cast<json_int_t>(s.number)));
  if (!seat) throw std::runtime_error("cannot build the JSON of seat " + std::to_string(s.id));
  std::string text = json_text(seat.get());
  text.pop_back();  // the closing brace
  text += ",\"status\":";
  return text;
}

uint64_t fixed_members(const SeatState& s) {
  return std::hash<std::string>{}(s.row) ^ (static_cast<uint64_t>(s.number) * 0x9e3779b97f4a7c15);
}

}  // namespace

SeatMapView::SeatMapView(ShowVersions& versions, std::chrono::milliseconds max_age)
    : versions_(versions), max_age_(max_age) {}

const std::string& SeatMapView::body(Connection& db, int64_t show_id, int64_t viewer) {
  // Both are taken before the read: a change committed while it runs then leaves the copy
  // already outdated, never current with the old seats in it.
  uint32_t version = versions_.get(show_id);
  Clock::time_point now = Clock::now();
  auto it = grids_.find(show_id);
  if (it == grids_.end() || it->second.version != version || now >= it->second.fresh_until) {
    std::vector<SeatState> states = seat_states(db, show_id);  // may throw show_not_found
    if (it == grids_.end()) {
      if (grids_.size() >= kMaxGrids) {
        grids_.erase(
            std::min_element(grids_.begin(), grids_.end(), [](const auto& a, const auto& b) {
              return a.second.fresh_until < b.second.fresh_until;
            }));
      }
      it = grids_.emplace(show_id, Grid{}).first;
    }
    it->second.version = version;
    refresh(it->second, states, now);
  }
  const Grid& grid = it->second;
  bool holds_some = viewer != 0 && std::any_of(grid.seats.begin(), grid.seats.end(),
                                               [&](const Seat& s) { return s.holder == viewer; });
  if (!holds_some) return grid.anonymous;
  render_for(grid, viewer, personal_);
  return personal_;
}

void SeatMapView::refresh(Grid& grid, const std::vector<SeatState>& states,
                          Clock::time_point read_at) {
  // A new copy has no text yet, even for a show without seats.
  bool same_seats = !grid.anonymous.empty() && grid.seats.size() == states.size() &&
                    std::equal(states.begin(), states.end(), grid.seats.begin(),
                               [](const SeatState& a, const Seat& b) {
                                 return a.id == b.id && fixed_members(a) == b.fixed;
                               });
  if (same_seats) {
    restatus(grid, states);
  } else {
    build(grid, states);
  }
  grid.fresh_until = read_at + max_age_;
  for (size_t i = 0; i < states.size(); ++i) {
    Seat& seat = grid.seats[i];
    seat.holder = states[i].holder;
    seat.expires_at.clear();
    if (!states[i].expires_at.empty()) {
      seat.expires_at = json_text(Json(json_time(states[i].expires_at)).get());
      auto lapses = read_at + std::chrono::microseconds(states[i].held_for_us);
      grid.fresh_until = std::min(grid.fresh_until, lapses);
    }
  }
}

void SeatMapView::build(Grid& grid, const std::vector<SeatState>& states) {
  grid.seats.assign(states.size(), Seat{0, 0, 0, nullptr, 0, ""});
  std::string& out = scratch_;
  out = "[";
  for (size_t i = 0; i < states.size(); ++i) {
    Seat& seat = grid.seats[i];
    if (i > 0) out += ',';
    out += opening(states[i]);
    seat.id = states[i].id;
    seat.fixed = fixed_members(states[i]);
    seat.status = &encoded_status(states[i].status);
    seat.status_at = out.size();
    out += *seat.status;
    out += '}';
  }
  out += ']';
  grid.anonymous = out;
}

// The text between two statuses never changes: copy it, and put the new statuses between.
void SeatMapView::restatus(Grid& grid, const std::vector<SeatState>& states) {
  std::string& out = scratch_;
  out.clear();
  size_t from = 0;
  for (size_t i = 0; i < states.size(); ++i) {
    Seat& seat = grid.seats[i];
    out.append(grid.anonymous, from, seat.status_at - from);
    from = seat.status_at + seat.status->size();
    seat.status = &encoded_status(states[i].status);
    seat.status_at = out.size();
    out += *seat.status;
  }
  out.append(grid.anonymous, from);
  grid.anonymous = out;
}

const std::string& SeatMapView::encoded_status(const std::string& status) {
  auto it = statuses_.find(status);
  if (it == statuses_.end()) {
    it = statuses_.emplace(status, json_text(Json(json_str(status)).get())).first;
  }
  return it->second;
}

void SeatMapView::render_for(const Grid& grid, int64_t viewer, std::string& out) const {
  out.clear();
  size_t from = 0;
  for (const Seat& seat : grid.seats) {
    if (seat.holder != viewer) continue;
    size_t after_status = seat.status_at + seat.status->size();
    out.append(grid.anonymous, from, after_status - from);
    out += ",\"held_by_me\":true,\"expires_at\":";
    out += seat.expires_at;
    from = after_status;
  }
  out.append(grid.anonymous, from);
}

}  // namespace seats
