#include "catalogue/show_versions.hpp"

#include <sys/mman.h>

#include <new>

namespace seats {

static_assert(std::atomic<uint32_t>::is_always_lock_free,
              "the counters are shared between processes, so they must not need a lock");

ShowVersions::ShowVersions(bool shared) : slots_(nullptr), mapped_(false) {
  if (shared) {
    void* memory = mmap(nullptr, (kSlots + 1) * sizeof(std::atomic<uint32_t>),
                        PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    slots_ = new (memory) std::atomic<uint32_t>[kSlots + 1]();
    mapped_ = true;
  } else {
    slots_ = new std::atomic<uint32_t>[kSlots + 1]();
  }
}

ShowVersions::~ShowVersions() {
  if (mapped_) {
    munmap(slots_, (kSlots + 1) * sizeof(std::atomic<uint32_t>));
  } else {
    delete[] slots_;
  }
}

std::atomic<uint32_t>& ShowVersions::slot(int64_t show_id) const {
  return slots_[static_cast<uint64_t>(show_id) % kSlots];
}

// Both counters only grow, so their sum changes whenever either does (short of 2^32 bumps
// between two reads).
uint32_t ShowVersions::get(int64_t show_id) const {
  return slot(show_id).load() + slots_[kAllShows].load();
}

void ShowVersions::bump(int64_t show_id) { slot(show_id).fetch_add(1); }

void ShowVersions::bump_all() { slots_[kAllShows].fetch_add(1); }

}  // namespace seats
