// Which shows and seats a test may touch. The suite cannot reset the database between
// tests, so each test binary owns a slice of the future demo shows (a PoolPart per show:
// which rows) and hands out seats that are free right now and that no other test in the
// process has taken. Seats stay taken for the life of the process.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace seats_test {

struct ShowInfo {
  std::int64_t id = 0;
  std::int64_t movie_id = 0;
  std::string time;  // as the API wrote it
};

// The demo shows that start more than an hour from now, ordered by id (discovered
// through GET /movies and GET /movies/:id/shows once per process). Throws when there
// are fewer than 8.
const std::vector<ShowInfo>& FutureShows();

// A show whose start time has passed (the demo's "started an hour ago" show), found in the
// database by time. Throws if there is none.
std::int64_t StartedShowId();

struct Seat {
  std::int64_t id = 0;
  std::int64_t show_id = 0;
  std::string name;  // "A1"
};

struct PoolPart {
  std::size_t show_index;  // into FutureShows()
  std::string rows;        // e.g. "ABCDE"
};

class SeatPool {
 public:
  explicit SeatPool(std::vector<PoolPart> parts);

  // n seats of one show, AVAILABLE now and never handed out before in this process;
  // skips shows equal to avoid_show. Throws if no part has n such seats left.
  std::vector<Seat> Take(int n, std::int64_t avoid_show = 0);
  Seat TakeOne(std::int64_t avoid_show = 0) { return Take(1, avoid_show).front(); }

 private:
  std::vector<PoolPart> parts_;
  std::set<std::int64_t> taken_;
  std::mutex mutex_;
};

std::vector<std::int64_t> Ids(const std::vector<Seat>& seats);

}  // namespace seats_test
