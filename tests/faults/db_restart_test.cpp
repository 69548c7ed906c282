// Fault: the database goes away (shut down like `mariadb-admin shutdown`) and comes back,
// while customers hold and book seats.
// Promises: while it is down every API call answers 503 problem+json "unavailable" within
// 2 s, never a hang and never a 500; once it is back the workers reconnect on their own;
// every booking confirmed before (201) is still there, and nothing was sold twice.
#include <gtest/gtest.h>

#include <algorithm>
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
using seats_test::Db;
using seats_test::Json;
using seats_test::JsonBody;
using seats_test::Request;
using seats_test::Response;

constexpr int kLoadUsers = 6;
constexpr Millis kWarmUp(500);
// How long the database stays down: long enough for many requests, short because the
// stack may be shared.
constexpr Millis kDown(2000);
constexpr Millis kCoolDown(1000);
constexpr long long kAnswerWhileDownBound = 2000;
// From the database answering again to the API holding seats again.
constexpr long long kReconnectBound = 2000;

// One request of every kind the API has, over and over, each timed: what a crowd of
// clients would send while the database is down.
class Prober {
 public:
  // Locks and releases `seat`; tries to book `unheld`, which it never holds (409 when up).
  Prober(seats_test::User user, std::int64_t show, std::int64_t seat, std::int64_t unheld)
      : user_(std::move(user)), show_(show), seat_(seat), unheld_(unheld) {}
  ~Prober() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<Sample> samples() {
    std::lock_guard<std::mutex> lock(mutex_);
    return samples_;
  }

 private:
  void Run() {
    const Json booking = seats_test::BookingBody(show_, {unheld_});
    const Json login = Json::object().set("email", user_.email).set("password", user_.password);
    int round = 0;
    while (!stop_) {
      Client c;  // a fresh address each round: the login rate limit never applies
      std::vector<Sample> got;
      got.push_back(Timed(Op::kProbe, c, "GET", "/api/v1/health", {}));
      got.push_back(Timed(Op::kProbe, c, "GET", "/api/v1/movies", {}));
      got.push_back(Timed(Op::kProbe, c, "GET", seats_test::ShowSeatsPath(show_), {}));
      got.push_back(
          Timed(Op::kLock, c, "PATCH", seats_test::SeatLockPath(seat_), Auth(user_.token)));
      got.push_back(
          Timed(Op::kBook, c, "POST", seats_test::kBookingsPath, JsonBody(booking, user_.token)));
      got.push_back(
          Timed(Op::kRelease, c, "DELETE", seats_test::SeatLockPath(seat_), Auth(user_.token)));
      got.push_back(Timed(Op::kProbe, c, "GET", seats_test::kBookingsPath, Auth(user_.token)));
      if (++round % 4 == 0) {
        got.push_back(Timed(Op::kLogin, c, "POST", "/api/v1/login", JsonBody(login)));
      }
      std::lock_guard<std::mutex> lock(mutex_);
      samples_.insert(samples_.end(), got.begin(), got.end());
    }
  }

  seats_test::User user_;
  std::int64_t show_;
  std::int64_t seat_;
  std::int64_t unheld_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Sample> samples_;
};

TEST(DatabaseRestart, api_answers_503_fast_while_down_and_recovers_by_itself) {
  auto mariadb = PrivateMariaDb::Find();
  if (!mariadb)
    GTEST_SKIP() << "the stack uses an external database; this test restarts only "
                    "the private one";
  ASSERT_TRUE(MainPool().WaitFull(Millis(5000))) << "the main pool is short of workers";
  const Pool login_pool = LoginPool();
  auto load = MakeLoad(kLoadUsers, "faults-db");
  const auto prober_users = seats_test::RegisterUsers(1, "faults-db-probe");
  const auto& show = load->shows().front();
  Prober prober(prober_users.front(), show.id, show.seats.at(0), show.seats.at(1));
  Client client;

  load->Start();
  prober.Start();
  std::this_thread::sleep_for(kWarmUp);

  const auto stop_at = Clock::now();
  mariadb->Stop(Millis(30000));
  const auto down_at = Clock::now();
  std::this_thread::sleep_for(kDown);
  const auto start_at = Clock::now();
  mariadb->Start(Millis(60000));
  const auto answers_at = Clock::now();
  // Recovered: health is 200 and a hold succeeds, with no help from outside.
  const auto& user = load->users().front();
  const std::int64_t seat = show.seats.back();
  const bool recovered = PollUntil(Millis(10000), [&] {
    if (client.get("/api/v1/health").status != 200) return false;
    const long status = client.patch(seats_test::SeatLockPath(seat), Auth(user.token)).status;
    return status == 200 || status == 409;  // 409: another load user holds it; the DB answered
  });
  const auto recovered_at = Clock::now();
  std::this_thread::sleep_for(kCoolDown);
  prober.Stop();
  load->Stop();
  // The login pool sat idle through the outage: every one of its workers must answer too,
  // without a first failure on the connection the restart closed. The demo user's hash has
  // the full bcrypt cost, so each login keeps a worker busy long enough for all to be used.
  std::vector<long> logins(login_pool.workers * 3, 0);
  {
    std::vector<std::thread> senders;
    for (auto& status : logins) {
      senders.emplace_back([&] {
        status = seats_test::PostLogin(Json::object()
                                           .set("email", seats_test::kDemoEmail)
                                           .set("password", seats_test::kDemoPassword))
                     .status;
      });
    }
    for (auto& t : senders) t.join();
  }
  const long logins_ok = std::count(logins.begin(), logins.end(), 200L);

  std::vector<Sample> samples = load->samples();
  const auto probes = prober.samples();
  samples.insert(samples.end(), probes.begin(), probes.end());
  // Requests sent while the server was down (and answered before it was started again).
  long down_requests = 0;
  long down_not_503 = 0;
  long long down_max_ms = 0;
  long after_recovery_503 = 0;
  for (const auto& s : samples) {
    if (s.start >= down_at && s.start < start_at) {
      down_max_ms = std::max(down_max_ms, s.millis());
      if (s.end <= start_at) {
        down_requests += 1;
        if (s.status != 503 || !s.problem || s.code != "unavailable") {
          down_not_503 += 1;
          if (down_not_503 <= 5) {
            ADD_FAILURE() << "while the database was down, " << s.path << " answered " << s.status
                          << " code=\"" << s.code << "\" problem+json=" << s.problem;
          }
        }
      }
    }
    if (s.start >= recovered_at && s.status == 503) after_recovery_503 += 1;
  }
  const Tally tally = Tally::Of(samples);

  Db db;
  FaultLine line("db_restart");
  line.Fields(tally.Fields())
      .Add("shutdown_ms", MillisBetween(stop_at, down_at))
      .Add("down_requests", down_requests)
      .Add("down_not_503", down_not_503)
      .Add("down_max_ms", down_max_ms)
      .Add("db_start_ms", MillisBetween(start_at, answers_at))
      .Add("recovery_ms", MillisBetween(answers_at, recovered_at))
      .Add("after_recovery_503", after_recovery_503)
      .Add("logins_after", static_cast<long long>(logins.size()))
      .Add("logins_after_ok", logins_ok);
  ExpectDatabaseConsistent(db, *load, line);
  line.Print();
  CleanUp(db, *load);

  EXPECT_TRUE(recovered) << "the API never recovered after the database came back";
  EXPECT_LT(MillisBetween(answers_at, recovered_at), kReconnectBound);
  EXPECT_GT(down_requests, 20) << "too few requests while down to prove anything";
  EXPECT_EQ(down_not_503, 0);
  EXPECT_LT(down_max_ms, kAnswerWhileDownBound) << "an answer took too long while down";
  EXPECT_EQ(tally.other_5xx, 0) << "500/504 answers around a database restart";
  EXPECT_EQ(tally.bad_gateway, 0) << "502: a worker died because the database went away?";
  EXPECT_EQ(tally.conn_errors, 0);
  // A worker whose connection sat idle through the outage pings it before use (idle > 1 s,
  // and the outage lasts longer), so no request fails once the database is back.
  EXPECT_EQ(after_recovery_503, 0);
  EXPECT_EQ(logins_ok, static_cast<long>(logins.size())) << "a login pool worker failed";
}

}  // namespace
}  // namespace faults
