// Fault (planned): SIGHUP to the master while customers hold and book seats, as a deploy
// of a new binary or configuration would do.
// Promises: every worker is replaced by a new process, one at a time, and not a single
// request fails meanwhile (no 5xx, no broken connection); sales stay consistent.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "invariants.hpp"
#include "load.hpp"
#include "processes.hpp"
#include "support/env.hpp"

namespace faults {
namespace {

constexpr int kLoadUsers = 6;
constexpr int kReloads = 3;
constexpr Millis kWarmUp(500);
constexpr Millis kBetweenReloads(700);
constexpr Millis kCoolDown(700);
constexpr Millis kReloadBound(5000);

TEST(Reload, sighup_replaces_every_worker_without_failing_a_request) {
  const Pool pool = MainPool();
  ASSERT_TRUE(pool.WaitFull(Millis(5000)));
  auto load = MakeLoad(kLoadUsers, "faults-hup");
  load->Start();
  std::this_thread::sleep_for(kWarmUp);

  long not_replaced = 0;
  long long slowest_reload_ms = 0;
  for (int i = 0; i < kReloads; ++i) {
    const auto old_workers = pool.Workers();
    const std::set<pid_t> old(old_workers.begin(), old_workers.end());
    const auto sent = Clock::now();
    ASSERT_EQ(kill(pool.master, SIGHUP), 0);
    const bool replaced = PollUntil(kReloadBound, [&] {
      const auto now = pool.Workers();
      return now.size() == pool.workers &&
             std::none_of(now.begin(), now.end(), [&](pid_t p) { return old.count(p) > 0; });
    });
    slowest_reload_ms = std::max(slowest_reload_ms, MillisBetween(sent, Clock::now()));
    if (!replaced) not_replaced += 1;
    std::this_thread::sleep_for(kBetweenReloads);
  }
  std::this_thread::sleep_for(kCoolDown);
  load->Stop();
  // The load walks away from one hold in twenty: once every hold has run out, the checks
  // below meet lapsed holds for certain (a lapsed row reads AVAILABLE; another user takes it).
  std::this_thread::sleep_for(std::chrono::seconds(seats_test::settings().hold_seconds) +
                              Millis(500));

  const auto samples = load->samples();
  const Tally tally = Tally::Of(samples);
  long failed = 0;
  for (const auto& s : samples) {
    if (s.status == 0 || s.status >= 500) {
      if (++failed <= 5) {
        ADD_FAILURE() << s.path << " answered " << s.status << " code=\"" << s.code
                      << "\" during a reload";
      }
    }
  }
  seats_test::Db db;
  FaultLine line("sighup_reload");
  line.Fields(tally.Fields())
      .Add("reloads", kReloads)
      .Add("not_replaced", not_replaced)
      .Add("slowest_reload_ms", slowest_reload_ms)
      .Add("p99_ms", PercentileMillis(samples, 99));
  const LapsedHolds lapsed = ExpectDatabaseConsistent(db, *load, line);
  line.Print();
  CleanUp(db, *load);

  EXPECT_EQ(not_replaced, 0) << "a SIGHUP left old workers running";
  EXPECT_EQ(failed, 0) << "requests failed during a reload";
  EXPECT_EQ(tally.other_4xx, 0);
  EXPECT_GT(tally.ok, 100) << "the load barely ran";
  EXPECT_GT(lapsed.checked, 0) << "no abandoned hold was left to lapse; expiry went unchecked";
  EXPECT_GT(lapsed.relocked, 0) << "no lapsed hold was taken by another user";
  EXPECT_TRUE(pool.WaitFull(Millis(5000)));
}

}  // namespace
}  // namespace faults
