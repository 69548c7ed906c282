#pragma once

#include <atomic>
#include <cstdint>

namespace seats {

// A change counter per show, shared by every worker of a pool: a worker that has just
// committed a change to a show's seats bumps it, so the seat maps the other workers keep
// (SeatMapView) know to read that show again. The table lives in one shared anonymous
// mapping made by the master before it forks, so workers respawned later share it too.
// Shows hash into a fixed number of slots; two shows in one slot only cost each other
// extra re-reads. One more counter stands for every show at once, for a write whose
// outcome is unknown (the connection broke around its COMMIT) and whose show may be too.
class ShowVersions {
 public:
  // shared: visible to processes forked after construction; else private to this one.
  explicit ShowVersions(bool shared);
  ~ShowVersions();
  ShowVersions(const ShowVersions&) = delete;
  ShowVersions& operator=(const ShowVersions&) = delete;

  // Changes whenever bump(show_id) or bump_all() has been called.
  uint32_t get(int64_t show_id) const;
  void bump(int64_t show_id);
  void bump_all();

 private:
  static constexpr uint64_t kSlots = 4096;       // 16 KiB
  static constexpr uint64_t kAllShows = kSlots;  // the extra counter after the slots
  std::atomic<uint32_t>& slot(int64_t show_id) const;

  std::atomic<uint32_t>* slots_;
  bool mapped_;
};

}  // namespace seats
