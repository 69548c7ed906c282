#pragma once

#include <chrono>

namespace seats {

// Lets lazy upkeep (purging old rows) run at most once per interval in a worker instead of
// on every request: `static NowAndThen purge(interval); if (purge.due()) ...`.
class NowAndThen {
 public:
  explicit NowAndThen(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // True the first time and then once `interval` has passed since the last true.
  bool due() {
    auto now = std::chrono::steady_clock::now();
    if (now < next_) return false;
    next_ = now + interval_;
    return true;
  }

 private:
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace seats
