// Requests nginx has given up on (API.md "General": 503 unavailable, never a hang). nginx
// passes the time it received each request (REQUEST_START, its $msec) and waits
// REQUEST_TIMEOUT seconds for the answer; a worker that picks a request up after that
// answers 503 without touching the database, and a hold or booking whose commit would come
// after it is rolled back, so no client that got nginx's 504 finds a change it was never told
// of. Spoken to in FastCGI directly (the stack's own main pool), with REQUEST_START set as
// nginx would have set it that long ago; the stack keeps running.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "fastcgi.hpp"
#include "invariants.hpp"
#include "load.hpp"
#include "processes.hpp"
#include "support/api.hpp"
#include "support/env.hpp"

namespace faults {
namespace {

using seats_test::Db;
using seats_test::EnvOr;
using seats_test::Str;

// $msec of a moment `ago` in the past: seconds since the epoch with milliseconds.
std::string MsecAgo(std::chrono::milliseconds ago) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch() - ago)
                .count();
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  return text;
}

std::string MainSocket() { return EnvOr("STACK_RUN_DIR", "") + "/seatd.sock"; }

std::chrono::seconds Timeout() {
  return std::chrono::seconds(seats_test::settings().request_timeout);
}

FastCgiAnswer Hold(const std::string& token, std::int64_t seat, const std::string& request_start) {
  std::map<std::string, std::string> params = {{"REQUEST_METHOD", "PATCH"},
                                               {"SCRIPT_NAME", seats_test::SeatLockPath(seat)},
                                               {"PATH_INFO", ""},
                                               {"QUERY_STRING", ""},
                                               {"REQUEST_ID", "faults-deadline"},
                                               {"REMOTE_ADDR", "127.0.0.1"},
                                               {"SERVER_PROTOCOL", "HTTP/1.1"},
                                               {"GATEWAY_INTERFACE", "CGI/1.1"},
                                               {"HTTP_AUTHORIZATION", "Bearer " + token}};
  if (!request_start.empty()) params["REQUEST_START"] = request_start;
  return FastCgiRequest(MainSocket(), params, "", 60);
}

// "AVAILABLE:-", "LOCKED:<holder>" (a live hold) or "SOLD:<buyer>": a lapsed hold, which a
// free seat may still carry, reads as available.
std::string SeatState(Db& db, std::int64_t seat) {
  return db
      .value(
          "SELECT IF(status = 'LOCKED' AND hold_expires_at <= NOW(6), 'AVAILABLE:-', "
          "CONCAT(status, ':', IFNULL(user_id, '-'))) FROM show_seats WHERE id = " +
          Str(seat))
      .value_or("<missing>");
}

class Deadline : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(EnvOr("STACK_RUN_DIR", "").empty()) << "source the stack's stack.env";
    ASSERT_TRUE(SocketAccepts(MainSocket())) << "the stack's main pool is not up";
    user_ = seats_test::RegisterUsers(1, "faults-deadline").front();
    const auto shows = LoadShows(1);
    const auto seats = FreeSeats(db_, shows[0].id, 1);
    ASSERT_EQ(seats.size(), 1u) << "no free seat in show " << shows[0].id;
    seat_ = seats.front();
  }
  void TearDown() override {
    seats_test::Client client;
    client.del(seats_test::SeatLockPath(seat_), seats_test::Auth(user_.token));
  }

  Db db_;
  seats_test::User user_;
  std::int64_t seat_ = 0;
};

TEST_F(Deadline, a_request_picked_up_after_nginx_gave_up_is_503_and_changes_nothing) {
  const auto started = std::chrono::steady_clock::now();
  const FastCgiAnswer late = Hold(user_.token, seat_, MsecAgo(Timeout() + std::chrono::seconds(1)));
  const auto took = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
  FaultLine("deadline_expired_on_pickup")
      .Add("status", late.status)
      .Add("ms", took.count())
      .Print();
  EXPECT_EQ(late.status, 503) << late.error << late.headers << late.body;
  EXPECT_NE(late.body.find("\"unavailable\""), std::string::npos) << late.body;
  EXPECT_EQ(SeatState(db_, seat_), "AVAILABLE:-") << "the late hold must not be granted";

  // The same hold, received just now or without REQUEST_START (another FastCGI client), runs.
  EXPECT_EQ(Hold(user_.token, seat_, MsecAgo(std::chrono::milliseconds(0))).status, 200);
  EXPECT_EQ(SeatState(db_, seat_), "LOCKED:" + Str(user_.id));
  EXPECT_EQ(Hold(user_.token, seat_, "").status, 200) << "no REQUEST_START: no deadline from nginx";
  EXPECT_EQ(Hold(user_.token, seat_, "not-a-time").status, 200);
}

TEST_F(Deadline, a_hold_whose_commit_would_come_after_the_timeout_rolls_back) {
  // Received long enough ago that it can still start (1.5 s left before its commit
  // deadline, one second before nginx's timeout), then held up on the seat's row lock for
  // 2.5 s: it gets the lock after the deadline and must not commit.
  Db blocker;
  blocker.exec("START TRANSACTION");
  blocker.rows("SELECT id FROM show_seats WHERE id = " + Str(seat_) + " FOR UPDATE");
  FastCgiAnswer answer;
  std::thread hold([&] {
    answer = Hold(user_.token, seat_, MsecAgo(Timeout() - std::chrono::milliseconds(2500)));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  blocker.exec("COMMIT");
  hold.join();
  const std::string state = SeatState(db_, seat_);
  FaultLine("deadline_passed_before_commit")
      .Add("status", answer.status)
      .Add("seat", state)
      .Print();
  EXPECT_EQ(answer.status, 503) << answer.error << answer.headers << answer.body;
  EXPECT_EQ(state, "AVAILABLE:-") << "a hold committed for a client nginx had already answered";
}

TEST_F(Deadline, nginx_passes_the_receive_time_and_waits_as_long_as_seatd_allows) {
  std::ifstream in(EnvOr("STACK_DIR", "") + "/nginx/seats.conf");
  ASSERT_TRUE(in) << "no rendered nginx configuration under STACK_DIR";
  std::stringstream text;
  text << in.rdbuf();
  const std::string conf = text.str();
  EXPECT_NE(conf.find("fastcgi_param REQUEST_START $msec;"), std::string::npos);
  EXPECT_NE(conf.find("fastcgi_read_timeout " + std::to_string(Timeout().count()) + "s;"),
            std::string::npos)
      << "nginx must wait exactly REQUEST_TIMEOUT, the time seatd counts with";
}

}  // namespace
}  // namespace faults
