#include "handlers/seat_refusals.hpp"

#include <algorithm>

namespace seats {
namespace {

// A spike is about a few hundred seats at a time; past this the memory starts over.
constexpr size_t kMaxSeats = 4096;

}  // namespace

SeatRefusals::SeatRefusals(ShowVersions& versions, std::chrono::milliseconds max_age)
    : versions_(versions), max_age_(max_age) {}

std::optional<SeatRefusals::Reason> SeatRefusals::known(int64_t seat_id, int64_t user_id) const {
  auto it = seats_.find(seat_id);
  if (it == seats_.end()) return std::nullopt;
  const Entry& seat = it->second;
  if (!seat.usable || Clock::now() >= seat.until) return std::nullopt;
  if (versions_.get(seat.show_id) != seat.version) return std::nullopt;
  if (seat.sold) return Reason::Sold;
  if (seat.holder != user_id) return Reason::HeldByAnother;
  return std::nullopt;  // the caller's own hold: only the transaction can answer that
}

SeatRefusals::Before SeatRefusals::before(int64_t seat_id) const {
  Before before;
  before.at = Clock::now();
  if (auto it = seats_.find(seat_id); it != seats_.end()) {
    before.show_id = it->second.show_id;
    before.version = versions_.get(before.show_id);
  }
  return before;
}

void SeatRefusals::remember(int64_t seat_id, const Before& before, const SeatSeen& seen) {
  if (seats_.size() >= kMaxSeats && !seats_.count(seat_id)) seats_.clear();
  Entry& seat = seats_[seat_id];
  seat.show_id = seen.show_id;
  seat.usable = before.show_id == seen.show_id && (seen.sold || seen.held);
  if (!seat.usable) return;
  seat.version = before.version;
  seat.sold = seen.sold;
  seat.holder = seen.holder;
  // Measured from before the transaction, so every bound errs early.
  seat.until = before.at + std::min<std::chrono::microseconds>(
                               max_age_, std::chrono::microseconds(seen.starts_in_us));
  if (!seen.sold) {
    seat.until = std::min(seat.until, before.at + std::chrono::microseconds(seen.held_for_us));
  }
}

}  // namespace seats
