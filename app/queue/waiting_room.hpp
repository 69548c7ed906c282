#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.hpp"
#include "settings.hpp"

namespace seats {

// Where a caller stands in a show's waiting room (API.md Part 2, "On-sale").
struct QueuePlace {
  const char* status;  // PRE_QUEUE, WAITING, ADMITTED or EXPIRED
  std::optional<int64_t> position;
  std::string admit_at, admitted_until;  // as the database gives them; empty while PRE_QUEUE
  std::optional<uint64_t> draw;          // PRE_QUEUE only: what will order the caller
};

// Puts the caller in the show's queue, or finds the place they already have. Before the
// on-sale time the place is PRE_QUEUE (a random draw decides the order at that time);
// afterwards a newcomer takes the next position. show_not_found (unknown or cancelled),
// queue_not_open (no queue_rate, or too early), show_started.
QueuePlace join_queue(Connection& db, const Settings& settings, int64_t user_id, int64_t show_id);

// The caller's place; not_in_queue if they never joined, show_not_found as above.
QueuePlace queue_place(Connection& db, const Settings& settings, int64_t user_id, int64_t show_id);

// The two answers an on-sale gives most, in one round trip each and without asking whether
// the user exists (an entry's foreign key proves it): an early join that adds the caller
// (PRE_QUEUE), and the place of a caller who has a position on a show not cancelled.
// nullopt otherwise; join_queue and queue_place then give the answer or the refusal.
std::optional<QueuePlace> join_queue_fast(Connection& db, const Settings& settings, int64_t user_id,
                                          int64_t show_id);
std::optional<QueuePlace> queue_place_fast(Connection& db, const Settings& settings,
                                           int64_t user_id, int64_t show_id);

// Makes the show's queue row, inside the caller's transaction (a new show's): with it in
// place before anyone joins, the first joiners never race to create it.
void make_queue(Connection& db, int64_t show_id);

// Fixes the order of everyone who joined before the sale, once its time has come: their
// random draws become positions 1..n. Does nothing before then or when already done.
void seal_queue(Connection& db, int64_t show_id);

// The detail of a not_admitted refusal of a lock: where the caller stands and when their
// turn comes (or came). Read inside the hold's transaction.
std::string not_admitted_detail(Connection& db, const Settings& settings, int64_t user_id,
                                int64_t show_id);

}  // namespace seats
