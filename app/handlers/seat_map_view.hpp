#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalogue/catalogue.hpp"
#include "catalogue/show_versions.hpp"
#include "db/connection.hpp"

namespace seats {

// The body of GET /shows/:id/seats, from a copy of each show's grid that the worker keeps
// for as long as it is known to be current. That is the busiest read of an on-sale
// spike, and without the copy every one of them costs a database query plus building and
// serialising 50 JSON objects.
//
// A copy is used again only while all of these hold:
// - no worker of the pool has committed a change to the show's seats since it was read
//   (ShowVersions; writers bump it after COMMIT and before they answer, so a client that
//   has its 200 never reads the grid from before its own change; a request that fails
//   with a database error bumps every show, since its COMMIT may have landed);
// - no hold in it has reached its deadline (measured from the database's own count of
//   the time left, so expiry still follows the database clock);
// - it is younger than max_age, which bounds how long a change can go unseen when this
//   pool never heard of it: made around it (another app host, SQL by hand), or by a
//   worker killed between its COMMIT and its bump.
// max_age 0 reads every request afresh.
//
// The JSON is produced by jansson once per seat (id, name, row and number never change)
// and once per status value, then joined: a grid is assembled, not built and serialised.
// A copy is its body text plus where each status sits in it (about 7 KiB a show).
class SeatMapView {
 public:
  using Clock = std::chrono::steady_clock;

  SeatMapView(ShowVersions& versions, std::chrono::milliseconds max_age);

  // The grid as `viewer` (0 = anonymous) sees it. 404 show_not_found for an unknown show.
  // The reference is valid until the next call.
  const std::string& body(Connection& db, int64_t show_id, int64_t viewer);
  // Call after committing any change to the seats of `show_id`.
  void changed(int64_t show_id) { versions_.bump(show_id); }
  void maybe_changed_any() { versions_.bump_all(); }

 private:
  // A seat is its slice of the grid's JSON text plus what may change: the text keeps the
  // fixed members, and a refresh copies it around the new status values.
  struct Seat {
    int64_t id;
    uint64_t fixed;  // a hash of row and number: a seat renamed by hand rebuilds the text
    int64_t holder;  // of a live hold, else 0
    const std::string* status;
    size_t status_at;        // where its status value starts in Grid::anonymous
    std::string expires_at;  // RFC 3339 JSON string, live holds only
  };
  struct Grid {
    uint32_t version = 0;
    Clock::time_point fresh_until;
    std::vector<Seat> seats;
    std::string anonymous;  // the body for anyone who holds none of its seats
  };

  void refresh(Grid& grid, const std::vector<SeatState>& states, Clock::time_point read_at);
  void build(Grid& grid, const std::vector<SeatState>& states);
  void restatus(Grid& grid, const std::vector<SeatState>& states);
  const std::string& encoded_status(const std::string& status);
  void render_for(const Grid& grid, int64_t viewer, std::string& out) const;

  ShowVersions& versions_;
  std::chrono::milliseconds max_age_;
  std::unordered_map<int64_t, Grid> grids_;
  std::unordered_map<std::string, std::string> statuses_;  // "SOLD" -> "\"SOLD\""
  std::string scratch_;
  std::string personal_;
};

}  // namespace seats
