#include "support/seat_pool.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "support/api.hpp"
#include "support/client.hpp"
#include "support/db.hpp"
#include "support/timeutil.hpp"

namespace seats_test {

namespace {

constexpr std::size_t kDemoFutureShows = 8;

std::vector<ShowInfo> DiscoverFutureShows() {
  Client c;
  const Response movies = c.get("/api/v1/movies");
  if (movies.status != 200 || !movies.json.is_array()) {
    throw std::runtime_error("cannot list movies: " + movies.describe());
  }
  const auto now = std::chrono::system_clock::now();
  const auto horizon = now + std::chrono::hours(1);
  std::vector<ShowInfo> shows;
  // The demo movies come first (lowest ids) and have the demo shows; the movies the admin
  // suites add after them would only cost a request each (and nginx's burst, past 200).
  for (std::size_t i = 0; i < movies.json.size() && shows.size() < kDemoFutureShows; ++i) {
    const std::int64_t movie = movies.json.at(i)["id"].integer();
    const Response r = c.get("/api/v1/movies/" + Str(movie) + "/shows");
    if (r.status != 200 || !r.json.is_array()) {
      throw std::runtime_error("cannot list shows: " + r.describe());
    }
    for (std::size_t k = 0; k < r.json.size(); ++k) {
      const Json s = r.json.at(k);
      // Shows that tests add (not on sale yet, cancelled later) come after the demo's in id
      // order; only shows on sale now are the pool's.
      if (ParseTime(s["time"].string()) > horizon && ParseTime(s["on_sale_at"].string()) <= now) {
        shows.push_back({s["id"].integer(), movie, s["time"].string()});
      }
    }
  }
  std::sort(shows.begin(), shows.end(),
            [](const ShowInfo& a, const ShowInfo& b) { return a.id < b.id; });
  if (shows.size() < kDemoFutureShows) {
    throw std::runtime_error("expected at least 8 future demo shows, found " +
                             std::to_string(shows.size()) + " (run scripts/stack reset?)");
  }
  return shows;
}

}  // namespace

const std::vector<ShowInfo>& FutureShows() {
  static const std::vector<ShowInfo> shows = DiscoverFutureShows();
  return shows;
}

std::int64_t StartedShowId() {
  Db db;
  const auto id = db.value(
      "SELECT id FROM shows WHERE start_time <= UTC_TIMESTAMP() ORDER BY start_time DESC, id "
      "LIMIT 1");
  if (!id) throw std::runtime_error("no show has started (demo show 100 missing?)");
  return std::stoll(*id);
}

SeatPool::SeatPool(std::vector<PoolPart> parts) : parts_(std::move(parts)) {}

std::vector<Seat> SeatPool::Take(int n, std::int64_t avoid_show) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto& shows = FutureShows();
  Client c;
  for (const auto& part : parts_) {
    const std::int64_t show = shows.at(part.show_index).id;
    if (show == avoid_show) continue;
    const Response grid = c.get(ShowSeatsPath(show));
    if (grid.status != 200 || !grid.json.is_array()) {
      throw std::runtime_error("cannot read the seat grid: " + grid.describe());
    }
    std::vector<Seat> found;
    for (std::size_t i = 0; i < grid.json.size() && found.size() < static_cast<std::size_t>(n);
         ++i) {
      const Json s = grid.json.at(i);
      const std::int64_t id = s["id"].integer();
      if (part.rows.find(s["row"].string()) == std::string::npos) continue;
      if (s["status"].string() != "AVAILABLE" || taken_.count(id) != 0) continue;
      found.push_back({id, show, s["name"].string()});
    }
    if (found.size() == static_cast<std::size_t>(n)) {
      for (const auto& s : found) taken_.insert(s.id);
      return found;
    }
  }
  throw std::runtime_error("the seat pool has no " + std::to_string(n) +
                           " free seats left in one show (stale data: scripts/stack reset)");
}

std::vector<std::int64_t> Ids(const std::vector<Seat>& seats) {
  std::vector<std::int64_t> out;
  for (const auto& s : seats) out.push_back(s.id);
  return out;
}

}  // namespace seats_test
