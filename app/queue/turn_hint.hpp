#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "db/connection.hpp"

namespace seats {

// When someone who joined before the sale should ask for their place again: the
// Retry-After of a PRE_QUEUE answer (docs/api.md, "Waiting room"). Without it every early
// joiner asks at on_sale_at, and 20,000 of them crowd out the few whose turn it is; with
// it each asks shortly before their own turn.
//
// The draw is fixed at the join, so its share of the draw's range says how much of the
// crowd will be ahead; the crowd only grows until the sale, so counting it early can only
// make the hint early, never late. The rank is binomial around the estimate: asking
// kSpreads standard deviations and one second of admissions early makes a late hint about
// as likely as a one-in-three-million draw, and an early one costs a single extra poll.
//
// Seconds from now for a draw at `quantile` (0..1) of a queue that `joined` people (the
// caller included) have joined so far, of a sale that opens in `until_sale_s` and admits
// `queue_rate` a second: rounded down, but to no earlier than the first whole second after
// the sale, so a turn due in the sale's first second may be asked for up to 1 s late. A
// sale more than a minute away gets a visit 20-40 s before it instead, when the crowd is
// nearly all there.
int64_t ask_again_after_s(double until_sale_s, int64_t queue_rate, int64_t joined, double quantile);

// The same for one draw of a show, with the crowd read at most once per `max_age` per
// worker (one COUNT of a short index range; 2,000 joins a second must not each make one).
class TurnHints {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TurnHints(std::chrono::milliseconds max_age) : max_age_(max_age) {}

  // nullopt when the show has no waiting room or its sale has begun.
  std::optional<int64_t> ask_again_after_s(Connection& db, int64_t show_id, uint64_t draw);

 private:
  struct Crowd {
    Clock::time_point read_at;
    int64_t until_sale_us = 0;  // at read_at, by the database's clock
    int64_t queue_rate = 0;
    int64_t joined = 0;
  };

  std::chrono::milliseconds max_age_;
  std::unordered_map<int64_t, Crowd> crowds_;
};

}  // namespace seats
