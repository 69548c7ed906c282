// Fault (load): a burst of logins, each a bcrypt verification that is slow on purpose,
// from many client addresses at once. The test stack lowers BCRYPT_COST for new accounts,
// so the storm logs in as the demo user, whose hash has the production cost (12, about
// 0.25 s of CPU each): the login pool saturates both cores' worth of its workers.
// Promise: logins run in their own pool, so holds on the main pool keep succeeding and
// stay fast (p99 well under a second) while the login pool is saturated.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "invariants.hpp"
#include "load.hpp"
#include "processes.hpp"
#include "support/api.hpp"

namespace faults {
namespace {

using seats_test::Auth;
using seats_test::Client;
using seats_test::Json;
using seats_test::JsonBody;

constexpr int kLogins = 16;
constexpr int kLoginThreads = 16;
constexpr int kHoldThreads = 3;
constexpr Millis kBaseline(1000);
constexpr long long kHoldP99Bound = 1000;

TEST(LoginStorm, holds_stay_fast_while_a_burst_of_full_cost_logins_runs) {
  const auto users = seats_test::RegisterUsers(kHoldThreads, "faults-storm");
  const auto shows = LoadShows(1);
  seats_test::Db db;
  const auto seats = FreeSeats(db, shows[0].id, kHoldThreads);
  ASSERT_EQ(seats.size(), static_cast<std::size_t>(kHoldThreads)) << "not enough free seats";

  // Each hold thread locks and releases seats of its own, timing every request.
  std::atomic<bool> stop{false};
  std::atomic<bool> storming{false};
  std::mutex mutex;
  std::vector<Sample> baseline;
  std::vector<Sample> during;
  std::vector<std::thread> holders;
  for (int t = 0; t < kHoldThreads; ++t) {
    holders.emplace_back([&, t] {
      const auto& user = users[static_cast<std::size_t>(t)];
      const std::int64_t seat = seats[static_cast<std::size_t>(t)];
      auto client = std::make_unique<Client>();
      int sent = 0;
      while (!stop) {
        if (++sent % 50 == 0) client = std::make_unique<Client>();  // stay under the rate limit
        const bool in_storm = storming;
        Sample lock =
            Timed(Op::kLock, *client, "PATCH", seats_test::SeatLockPath(seat), Auth(user.token));
        Sample release = Timed(Op::kRelease, *client, "DELETE", seats_test::SeatLockPath(seat),
                               Auth(user.token));
        std::lock_guard<std::mutex> lock_guard(mutex);
        auto& into = in_storm ? during : baseline;
        into.push_back(lock);
        into.push_back(release);
      }
    });
  }
  std::this_thread::sleep_for(kBaseline);

  // The storm: every login from an address of its own, so the rate limit never answers.
  storming = true;
  const Json login = Json::object()
                         .set("email", seats_test::kDemoEmail)
                         .set("password", seats_test::kDemoPassword);
  std::vector<Sample> logins;
  std::vector<std::thread> stormers;
  const auto storm_start = Clock::now();
  for (int t = 0; t < kLoginThreads; ++t) {
    stormers.emplace_back([&] {
      std::vector<Sample> mine;
      for (int i = 0; i < kLogins / kLoginThreads; ++i) {
        Client c;
        mine.push_back(Timed(Op::kLogin, c, "POST", "/api/v1/login", JsonBody(login)));
      }
      std::lock_guard<std::mutex> lock_guard(mutex);
      logins.insert(logins.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : stormers) t.join();
  const long long storm_ms = MillisBetween(storm_start, Clock::now());
  stop = true;
  for (auto& t : holders) t.join();

  const Tally login_tally = Tally::Of(logins);
  const Tally hold_tally = Tally::Of(during);
  FaultLine("login_storm")
      .Add("logins", login_tally.requests)
      .Add("login_ok", login_tally.ok)
      .Add("login_429", login_tally.other_4xx)
      .Add("login_5xx", login_tally.bad_gateway + login_tally.unavailable + login_tally.other_5xx)
      .Add("login_p50_ms", PercentileMillis(logins, 50))
      .Add("login_max_ms", PercentileMillis(logins, 100))
      .Add("storm_ms", storm_ms)
      .Add("hold_requests", hold_tally.requests)
      .Add("hold_ok", hold_tally.ok)
      .Add("hold_p50_ms", PercentileMillis(during, 50))
      .Add("hold_p99_ms", PercentileMillis(during, 99))
      .Add("hold_max_ms", PercentileMillis(during, 100))
      .Add("baseline_hold_p99_ms", PercentileMillis(baseline, 99))
      .Print();

  EXPECT_EQ(login_tally.ok, kLogins) << login_tally.Fields();
  EXPECT_GT(hold_tally.requests, 10) << "no holds ran during the storm";
  EXPECT_EQ(hold_tally.ok, hold_tally.requests)
      << "holds failed during the storm: " << hold_tally.Fields();
  EXPECT_LT(PercentileMillis(during, 99), kHoldP99Bound);
}

}  // namespace
}  // namespace faults
