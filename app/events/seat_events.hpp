#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace seats {

// The events of a show's stream (API.md Part 2, "On-sale"): what changed, never who did it.
struct SeatChange {
  int64_t seat_id;
  const char* status;      // "LOCKED", "AVAILABLE" or "SOLD"
  std::string expires_at;  // LOCKED only: the hold's deadline as the database gives it
};

// {"seats":[{"id":501,"status":"LOCKED","expires_at":"..."}, ...]}: one transaction's seats.
std::string seats_event(const std::vector<SeatChange>& changes);
// Every seat of `seat_ids` in one status (a booking: SOLD; its cancellation: AVAILABLE).
std::string seats_event(const std::vector<int64_t>& seat_ids, const char* status);
// {"show":"CANCELLED"}
std::string show_cancelled_event();

}  // namespace seats
