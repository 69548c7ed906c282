#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "catalogue/show_versions.hpp"
#include "seats/holds.hpp"

namespace seats {

// Seats this worker has recently found taken, so that the next hold or release of one of
// them by anyone but its holder is refused at once. In an on-sale spike most requests
// are for seats someone already has; each would otherwise queue for the same row lock
// only to hear 409, and the queue would slow down the one request that can succeed.
//
// A refusal is only ever remembered, never a grant: holds and bookings are still decided
// under the row lock. What was found is trusted only while the same three things hold as
// for seat maps (SeatMapView): no change to the show through this pool since (ShowVersions,
// read before the row was), the hold it found has not lapsed, and it is younger than
// max_age. It is also forgotten when the show starts, so that show_started keeps coming
// first.
//
// The show of a seat is learnt from the first refusal; the show's counter has to be read
// before the row, so remembering starts with the second.
class SeatRefusals {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Reason { Sold, HeldByAnother };

  SeatRefusals(ShowVersions& versions, std::chrono::milliseconds max_age);

  // Why `user_id` cannot have `seat_id`, if that is known for certain right now.
  std::optional<Reason> known(int64_t seat_id, int64_t user_id) const;

  // Taken just before a transaction on the seat, for remember() after it.
  struct Before {
    int64_t show_id = 0;  // 0: the seat's show is not known yet
    uint32_t version = 0;
    Clock::time_point at;
  };
  Before before(int64_t seat_id) const;
  // After a hold or release was refused for a seat sold or held by someone else.
  void remember(int64_t seat_id, const Before& before, const SeatSeen& seen);

 private:
  struct Entry {
    int64_t show_id = 0;
    bool usable = false;  // false: only the show is known
    uint32_t version = 0;
    bool sold = false;
    int64_t holder = 0;
    Clock::time_point until;  // trusted until then (deadline, show start, max age)
  };

  ShowVersions& versions_;
  std::chrono::milliseconds max_age_;
  std::unordered_map<int64_t, Entry> seats_;
};

}  // namespace seats
