// Fault: FastCGI workers die (SIGKILL) while customers hold and book seats.
// Promises: the master forks replacements at once; only a killed worker's own in-flight
// request fails (nginx answers 502: `fastcgi_next_upstream off` forbids a retry); no sale
// is lost or doubled; a worker killed inside a locking transaction leaves no row lock.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "invariants.hpp"
#include "load.hpp"
#include "processes.hpp"
#include "support/api.hpp"

namespace faults {
namespace {

using seats_test::Auth;
using seats_test::Client;
using seats_test::Db;
using seats_test::Response;
using seats_test::Str;

constexpr int kLoadUsers = 6;
constexpr Millis kWarmUp(500);
constexpr Millis kKillEvery(200);
constexpr Millis kStorm(5000);
constexpr Millis kCoolDown(1000);
// The promise under test: a dead worker is replaced within a second.
constexpr Millis kRespawnBound(1000);
// A request that failed because its worker was killed ends right after that kill.
constexpr Millis kFailureAfterKill(1000);
constexpr Millis kLockWaitSeen(5000);
// The server drops a dead client's transaction within milliseconds; allow plenty.
constexpr Millis kLockReleaseBound(2000);

// How long the pool takes to be complete again after one of its workers is killed; the
// kill's time goes to `kills`.
long long KillOneAndTimeRespawn(const Pool& pool, std::vector<Clock::time_point>& kills) {
  const auto workers = pool.Workers();
  if (workers.empty()) return -1;
  const auto killed_at = Clock::now();
  if (kill(workers.front(), SIGKILL) != 0) return -1;
  kills.push_back(killed_at);
  PollUntil(Millis(10000), [&] {
    const auto now = pool.Workers();
    return now.size() == pool.workers &&
           std::find(now.begin(), now.end(), workers.front()) == now.end();
  });
  return MillisBetween(killed_at, Clock::now());
}

TEST(WorkerKill, killed_workers_are_replaced_and_no_sale_is_lost_or_doubled) {
  const Pool pool = MainPool();
  ASSERT_TRUE(pool.WaitFull(Millis(5000))) << "the main pool is short of workers before the test";
  auto load = MakeLoad(kLoadUsers, "faults-kill");
  Db db;
  load->Start();
  std::this_thread::sleep_for(kWarmUp);

  // One kill on a calm pool, then a kill every 200 ms for 5 s; a monitor notes how thin
  // the pool got.
  std::vector<Clock::time_point> kills;
  const long long single_respawn_ms = KillOneAndTimeRespawn(pool, kills);
  std::atomic<bool> monitoring{true};
  std::atomic<std::size_t> fewest{pool.workers};
  std::thread monitor([&] {
    while (monitoring) {
      fewest = std::min(fewest.load(), pool.Workers().size());
      std::this_thread::sleep_for(Millis(5));
    }
  });
  std::mt19937 rng(std::random_device{}());
  const auto storm_end = Clock::now() + kStorm;
  while (Clock::now() < storm_end) {
    const auto workers = pool.Workers();
    if (!workers.empty()) {
      const auto before = Clock::now();
      if (kill(workers[rng() % workers.size()], SIGKILL) == 0) kills.push_back(before);
    }
    std::this_thread::sleep_for(kKillEvery);
  }
  const auto storm_over = Clock::now();
  const bool full_again = pool.WaitFull(Millis(15000));
  const long long recovery_ms = MillisBetween(storm_over, Clock::now());
  monitoring = false;
  monitor.join();
  std::this_thread::sleep_for(kCoolDown);
  load->Stop();

  const auto samples = load->samples();
  const Tally tally = Tally::Of(samples);
  long far_from_kills = 0;
  for (const auto& s : samples) {
    if (s.status != 0 && s.status != 502) continue;
    const bool near = std::any_of(kills.begin(), kills.end(), [&](Clock::time_point k) {
      return s.end >= k && s.end <= k + kFailureAfterKill;
    });
    if (!near) far_from_kills += 1;
  }

  FaultLine line("worker_kill");
  line.Fields(tally.Fields())
      .Add("kills", static_cast<long long>(kills.size()))
      .Add("single_respawn_ms", single_respawn_ms)
      .Add("recovery_ms", recovery_ms)
      .Add("fewest_workers", static_cast<long long>(fewest.load()))
      .Add("workers", static_cast<long long>(pool.workers))
      .Add("p99_ms", PercentileMillis(samples, 99))
      .Add("max_ms", PercentileMillis(samples, 100));
  ExpectDatabaseConsistent(db, *load, line);
  line.Print();
  CleanUp(db, *load);

  EXPECT_GE(single_respawn_ms, 0);
  EXPECT_LT(single_respawn_ms, kRespawnBound.count()) << "one killed worker was not replaced fast";
  EXPECT_TRUE(full_again) << "the pool never got back to " << pool.workers << " workers";
  EXPECT_LT(recovery_ms, kRespawnBound.count())
      << "after the last kill the pool took " << recovery_ms << " ms to be complete again";
  EXPECT_EQ(tally.other_5xx, 0) << "500/504 answers: a kill must never cause those";
  EXPECT_EQ(tally.unavailable, 0) << "503 answers: the database was up all along";
  EXPECT_EQ(tally.other_4xx, 0) << "unexpected 4xx answers (rate limit? auth?)";
  // Only the request a killed worker was serving may fail, and only at that moment.
  EXPECT_LE(tally.bad_gateway + tally.conn_errors, static_cast<long>(kills.size()));
  EXPECT_EQ(far_from_kills, 0) << "502s or transfer errors that no kill explains";
  EXPECT_GT(tally.ok, 100) << "the load barely ran; the numbers above prove little";
}

// The booking transaction locks seat rows in ascending id order. With the higher seat's
// row locked from outside, a worker booking both seats holds the lower one and waits; it
// is frozen (SIGSTOP) as it is granted the second, then SIGKILLed. The server must drop
// its transaction: both rows free at once, the seats exactly as they were, no booking.
TEST(WorkerKill, worker_killed_inside_a_locking_transaction_leaves_no_stale_lock) {
  const Pool pool = MainPool();
  ASSERT_TRUE(pool.WaitFull(Millis(5000)));
  ASSERT_GE(pool.workers, 2u) << "needs a second worker to keep serving";
  const auto users = seats_test::RegisterUsers(1, "faults-midtx");
  const auto& user = users.front();
  const auto shows = LoadShows(1);
  Db db;
  Db blocker;
  Client client;

  // Two free seats of the show, taken by the user.
  std::vector<std::int64_t> seats = FreeSeats(db, shows[0].id, 2);
  ASSERT_EQ(seats.size(), 2u) << "no two free seats in show " << shows[0].id;
  std::sort(seats.begin(), seats.end());
  for (auto seat : seats) {
    const Response r = client.patch(seats_test::SeatLockPath(seat), Auth(user.token));
    ASSERT_EQ(r.status, 200) << r.describe();
  }
  const std::string state_sql =
      "SELECT id, status, user_id, hold_expires_at FROM show_seats "
      "WHERE id IN (" +
      seats_test::IdList(seats) + ") ORDER BY id";
  const auto before = db.rows(state_sql);
  const std::string nowait_sql =
      "SELECT id FROM show_seats WHERE id IN (" + seats_test::IdList(seats) + ") FOR UPDATE NOWAIT";
  auto rows_lockable = [&] {
    try {
      db.rows(nowait_sql);  // autocommit: the locks end with the statement
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  ASSERT_TRUE(rows_lockable());

  // Hold the higher seat's row; leave exactly one worker running so it takes the booking.
  blocker.exec("START TRANSACTION");
  blocker.rows("SELECT id FROM show_seats WHERE id = " + Str(seats[1]) + " FOR UPDATE");
  const std::string blocker_thread = *blocker.value("SELECT CONNECTION_ID()");
  StoppedProcesses stopped;
  const auto workers = pool.Workers();
  const pid_t victim = workers.front();
  for (pid_t pid : workers) {
    if (pid != victim) stopped.Stop(pid);
  }
  Response booking;
  std::thread request([&] {
    Client c;
    booking = seats_test::Book(c, user, shows[0].id, seats);
  });
  const bool waiting = LockWaitSeen(db, blocker_thread, kLockWaitSeen);
  kill(victim, SIGSTOP);
  blocker.exec("ROLLBACK");
  // The frozen worker's transaction now owns both rows: the check below must see them
  // locked, or it could not tell a stale lock from none.
  const bool held_by_frozen = PollUntil(Millis(2000), [&] { return !rows_lockable(); });
  const auto killed_at = Clock::now();
  kill(victim, SIGKILL);
  kill(victim, SIGCONT);
  stopped.ResumeAll();
  const bool released = PollUntil(Millis(10000), rows_lockable, Millis(5));
  const long long release_ms = MillisBetween(killed_at, Clock::now());
  request.join();
  const auto after = db.rows(state_sql);
  const auto bookings = db.integer("SELECT COUNT(*) FROM bookings WHERE user_id = " + Str(user.id));
  // The user can still release both seats, promptly (a stale row lock would make these
  // wait out the lock timeout and answer 503).
  const auto release_start = Clock::now();
  long released_ok = 0;
  for (auto seat : seats) {
    released_ok += client.del(seats_test::SeatLockPath(seat), Auth(user.token)).status == 200;
  }
  const long long api_release_ms = MillisBetween(release_start, Clock::now());
  const bool pool_full = pool.WaitFull(Millis(5000));

  FaultLine("worker_kill_in_transaction")
      .Add("in_flight_status", booking.status)
      .Add("lock_wait_seen", waiting ? 1 : 0)
      .Add("rows_locked_by_frozen_worker", held_by_frozen ? 1 : 0)
      .Add("lock_release_ms", release_ms)
      .Add("seats_unchanged", before == after ? 1 : 0)
      .Add("bookings_created", bookings)
      .Add("api_release_ms", api_release_ms)
      .Print();

  ASSERT_TRUE(waiting) << "the booking never waited on the blocked row";
  ASSERT_TRUE(held_by_frozen) << "the frozen worker never held the rows; the test proves nothing";
  EXPECT_TRUE(released) << "the rows stayed locked after the worker died";
  EXPECT_LT(release_ms, kLockReleaseBound.count());
  EXPECT_EQ(before, after) << "a killed transaction changed the seats";
  EXPECT_EQ(bookings, 0) << "a booking committed by a worker that never reached COMMIT";
  EXPECT_EQ(booking.status, 502) << "the killed worker's request: " << booking.describe();
  EXPECT_EQ(released_ok, 2);
  EXPECT_LT(api_release_ms, kLockReleaseBound.count());
  EXPECT_TRUE(pool_full);
}

}  // namespace
}  // namespace faults
