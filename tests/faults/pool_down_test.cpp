// Fault: a whole seatd pool is down (stopped for a deploy, or crashed with its master).
// Promises: nginx answers every API call it cannot pass on at once, as a problem+json
// 502/503 a client can parse (never an HTML page, never a hang); the other pool keeps
// serving, so logins down do not stop holds and holds down do not stop logins; once the
// pool is back, the API serves again without touching nginx.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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
using seats_test::Response;

// nginx learns a pool is gone from a refused connect, so the answer is immediate; 2 s is
// the bound the contract puts on "never a hang".
constexpr long long kAnswerBound = 2000;
constexpr Millis kRestartBound(20000);

struct Call {
  std::string method;
  std::string path;
  seats_test::Request request;
};

// Expects a 502/503 problem+json whose body is consistent with its status line.
void ExpectGatewayProblem(const Response& r, long long took_ms) {
  EXPECT_TRUE(r.status == 502 || r.status == 503) << r.describe();
  EXPECT_EQ(r.media_type(), "application/problem+json") << r.describe();
  ASSERT_TRUE(r.json.is_object()) << "not JSON: " << r.describe();
  EXPECT_EQ(r.json["status"].integer(), r.status) << r.describe();
  EXPECT_EQ(r.json["code"].string(), "unavailable") << r.describe();
  EXPECT_FALSE(r.json["detail"].string().empty()) << r.describe();
  EXPECT_EQ(r.body.find("<html"), std::string::npos) << r.describe();
  EXPECT_LT(took_ms, kAnswerBound) << r.describe();
}

Response TimedSend(Client& client, const Call& call, long long* took_ms) {
  const auto start = Clock::now();
  Response r = client.send(call.method, call.path, call.request);
  *took_ms = MillisBetween(start, Clock::now());
  return r;
}

// A new user and a free seat of a load show (0 when there is none) for them to hold.
struct Customer {
  seats_test::User user;
  std::int64_t show = 0;
  std::int64_t seat = 0;
};

Customer NewCustomer(const std::string& tag) {
  Customer c;
  c.user = seats_test::RegisterUsers(1, tag).front();
  c.show = LoadShows(1).front().id;
  seats_test::Db db;
  const auto seats = FreeSeats(db, c.show, 1);
  if (!seats.empty()) c.seat = seats.front();
  return c;
}

TEST(PoolDown, main_pool_down_answers_problem_json_and_logins_still_work) {
  const Customer customer = NewCustomer("faults-pooldown");
  ASSERT_NE(customer.seat, 0) << "no free seat in show " << customer.show;
  const seats_test::User& user = customer.user;
  const std::int64_t seat = customer.seat;
  Client client;

  const std::vector<Call> calls = {
      {"GET", "/api/v1/health", {}},
      {"GET", "/api/v1/movies", {}},
      {"GET", seats_test::ShowSeatsPath(customer.show), {}},
      {"PATCH", seats_test::SeatLockPath(seat), Auth(user.token)},
      {"DELETE", seats_test::SeatLockPath(seat), Auth(user.token)},
      {"POST", "/api/v1/bookings",
       JsonBody(seats_test::BookingBody(customer.show, {seat}), user.token)},
      {"GET", "/api/v1/bookings", Auth(user.token)},
  };

  long long slowest_ms = 0;
  long gateway_answers = 0;
  Response login;
  long long restart_ms = 0;
  {
    DownedPool down("seatd");
    for (const Call& call : calls) {
      long long took = 0;
      const Response r = TimedSend(client, call, &took);
      slowest_ms = std::max(slowest_ms, took);
      gateway_answers += r.status == 502 || r.status == 503;
      ExpectGatewayProblem(r, took);
    }
    // Logins run in their own pool, which is still up.
    login = seats_test::PostLogin(
        Json::object().set("email", user.email).set("password", user.password));
    const auto restart_at = Clock::now();
    down.Start(kRestartBound);
    restart_ms = MillisBetween(restart_at, Clock::now());
  }
  const Response health = client.get("/api/v1/health");
  const Response lock = client.patch(seats_test::SeatLockPath(seat), Auth(user.token));
  const Response release = client.del(seats_test::SeatLockPath(seat), Auth(user.token));

  FaultLine("main_pool_down")
      .Add("requests", static_cast<long long>(calls.size()))
      .Add("gateway_problem_answers", gateway_answers)
      .Add("slowest_ms", slowest_ms)
      .Add("login_status", login.status)
      .Add("restart_ms", restart_ms)
      .Add("health_after", health.status)
      .Print();

  EXPECT_EQ(gateway_answers, static_cast<long>(calls.size()));
  EXPECT_EQ(login.status, 200) << login.describe();
  EXPECT_EQ(health.status, 200) << health.describe();
  EXPECT_EQ(lock.status, 200) << lock.describe();
  EXPECT_EQ(release.status, 200) << release.describe();
}

TEST(PoolDown, login_pool_down_answers_problem_json_and_holds_still_work) {
  const Customer customer = NewCustomer("faults-logindown");
  ASSERT_NE(customer.seat, 0) << "no free seat in show " << customer.show;
  const seats_test::User& user = customer.user;
  const std::int64_t seat = customer.seat;
  Client client;
  Json credentials = Json::object();
  credentials.set("email", user.email).set("password", user.password);
  Json registration = Json::object();
  registration.set("email", seats_test::UniqueEmail("logindown"))
      .set("password", "password123")
      .set("name", "Pool Down");

  Response lock;
  Response release;
  Response after_login;
  {
    DownedPool down("seatd-login");
    long long took = 0;
    ExpectGatewayProblem(TimedSend(client, {"POST", "/api/v1/login", JsonBody(credentials)}, &took),
                         took);
    ExpectGatewayProblem(
        TimedSend(client, {"POST", "/api/v1/register", JsonBody(registration)}, &took), took);
    // The main pool does not depend on the login pool.
    lock = client.patch(seats_test::SeatLockPath(seat), Auth(user.token));
    release = client.del(seats_test::SeatLockPath(seat), Auth(user.token));
    down.Start(kRestartBound);
  }
  after_login = seats_test::PostLogin(credentials);

  FaultLine("login_pool_down")
      .Add("hold_status", lock.status)
      .Add("release_status", release.status)
      .Add("login_after", after_login.status)
      .Print();

  EXPECT_EQ(lock.status, 200) << lock.describe();
  EXPECT_EQ(release.status, 200) << release.describe();
  EXPECT_EQ(after_login.status, 200) << after_login.describe();
}

}  // namespace
}  // namespace faults
