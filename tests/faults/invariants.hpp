// What must hold after any fault, proven from the database (read-only queries) and the
// API, plus the one grep-able summary line each scenario prints.
#pragma once

#include <string>

#include "load.hpp"
#include "processes.hpp"
#include "support/db.hpp"

namespace faults {

// "FAULT scenario=<name> key=value ...": printed to stdout and appended to the file named
// by FAULTS_REPORT (CTest sets it to fault-lines.txt in the build folder), so a run's
// numbers can be found with grep whether the test passed or not.
class FaultLine {
 public:
  explicit FaultLine(const std::string& scenario);
  FaultLine& Add(const std::string& key, long long value);
  FaultLine& Add(const std::string& key, const std::string& value);
  FaultLine& Fields(const std::string& fields);  // already "k=v k=v"
  void Print() const;

 private:
  std::string text_;
};

// Checks, as GoogleTest expectations, with the counts added to `line`:
// - no seat has two confirmed sales (booking_seats.sold = 1 twice);
// - every SOLD seat has exactly one confirmed booking, and every seat of a confirmed
//   booking is SOLD; a cancelled booking sells nothing; no booking lacks its seats;
// - every booking a client was told about (201) still exists, CONFIRMED unless the client
//   cancelled it (then CANCELLED);
// - no seat is LOCKED without an owner or a deadline;
// - the seat grid of each load show agrees with the rows, and a hold past its deadline
//   reads AVAILABLE; a few such seats are locked by another user to show none is stuck.
// Returns how many lapsed holds the grid check met, and how many of those another user
// then took, so a scenario that waits for the load's abandoned holds to lapse can insist
// that the expiry checks really ran.
struct LapsedHolds {
  long checked = 0;
  long relocked = 0;
};
LapsedHolds ExpectDatabaseConsistent(seats_test::Db& db, const Load& load, FaultLine& line);

// Cancels the load users' bookings that are still confirmed and releases their live
// holds, so the shows are free for the next run. Best effort: the checks come first.
void CleanUp(seats_test::Db& db, const Load& load);

// True once some transaction waits on a row lock held by the session `blocker_thread`
// (its CONNECTION_ID()), false after `limit`. InnoDB refreshes its information_schema
// lock tables only when they have not been read for 100 ms, so this polls more slowly
// than that: a faster poll keeps reading the snapshot taken before the wait began.
bool LockWaitSeen(seats_test::Db& db, const std::string& blocker_thread, Millis limit);

}  // namespace faults
