// Fault (planned): SIGTERM to a pool's master while a request is in flight, as `stack
// down` or a deploy does. Runs against a pool of its own (same binary and database as the
// stack, its own socket), spoken to in FastCGI directly, so the stack keeps running.
// Promises: the request in flight finishes and its answer arrives (its transaction
// commits), idle workers leave at once, and the master exits 0 after the last worker.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
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

constexpr int kWorkers = 2;
constexpr Millis kStartBound(10000);
constexpr Millis kLockWaitSeen(5000);
// How long the request is kept in flight after SIGTERM (well under the lock wait timeout).
constexpr Millis kInFlight(500);
constexpr Millis kExitBound(10000);

// The binary the stack runs (stack.env), else the one this build made.
std::string SeatdBinary() {
  for (const char* name : {"STACK_SEATD", "SEATD_BIN"}) {
    const std::string bin = EnvOr(name, "");
    if (!bin.empty()) return bin;
  }
#ifdef FAULTS_SEATD_BUILT
  return FAULTS_SEATD_BUILT;
#else
  return "";
#endif
}

// A seatd master of our own, killed with its workers if the test ends early.
class OwnPool {
 public:
  OwnPool(const std::string& binary, const std::string& dir)
      : socket_(dir + "/seatd.sock"), log_(dir + "/seatd.log") {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      setenv("FCGI_SOCKET", socket_.c_str(), 1);
      setenv("WORKERS", std::to_string(kWorkers).c_str(), 1);
      setenv("BCRYPT_COST", "4", 1);
      // The stack's own mailer sends the stack's mail; this pool's children are its workers.
      setenv("MAILER", "0", 1);
      unsetenv("SEATD_CONFIG");
      std::freopen(log_.c_str(), "a", stderr);
      std::freopen("/dev/null", "r", stdin);
      execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~OwnPool() {
    if (pid_ > 0 && !exited_) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  OwnPool(const OwnPool&) = delete;
  OwnPool& operator=(const OwnPool&) = delete;

  pid_t master() const { return pid_; }
  const std::string& socket() const { return socket_; }
  std::string log() const {
    std::ifstream in(log_);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // Polls for the master's exit; its exit code, or -1 (killed by a signal / still running).
  int WaitExit(Millis limit) {
    int status = 0;
    const bool gone = PollUntil(limit, [&] { return waitpid(pid_, &status, WNOHANG) == pid_; });
    if (!gone) return -1;
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string socket_;
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

TEST(Drain, sigterm_lets_the_request_in_flight_finish_and_the_master_exit_0) {
  const std::string binary = SeatdBinary();
  ASSERT_FALSE(binary.empty()) << "no seatd binary: set STACK_SEATD or build the seatd target";
  std::string dir_template = "/tmp/faults-drain-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
  const std::string dir = dir_template;
  OwnPool pool(binary, dir);
  ASSERT_GT(pool.master(), 0);
  ASSERT_TRUE(PollUntil(kStartBound, [&] { return SocketAccepts(pool.socket()); }))
      << "our own seatd pool did not start:\n"
      << pool.log();
  ASSERT_TRUE(PollUntil(kStartBound, [&] {
    return LiveChildren(pool.master()).size() == static_cast<std::size_t>(kWorkers);
  }));

  const auto users = seats_test::RegisterUsers(1, "faults-drain");
  const auto& user = users.front();
  const auto shows = LoadShows(1);
  Db db;
  Db blocker;
  const auto free_seats = FreeSeats(db, shows[0].id, 1);
  ASSERT_EQ(free_seats.size(), 1u) << "no free seat in show " << shows[0].id;
  const std::int64_t seat = free_seats.front();

  // The request in flight: a hold that waits on a row we lock from outside.
  blocker.exec("START TRANSACTION");
  blocker.rows("SELECT id FROM show_seats WHERE id = " + Str(seat) + " FOR UPDATE");
  const std::string blocker_thread = *blocker.value("SELECT CONNECTION_ID()");
  FastCgiAnswer answer;
  std::atomic<bool> answered{false};
  std::thread request([&] {
    answer = FastCgiRequest(pool.socket(),
                            {{"REQUEST_METHOD", "PATCH"},
                             {"SCRIPT_NAME", seats_test::SeatLockPath(seat)},
                             {"PATH_INFO", ""},
                             {"QUERY_STRING", ""},
                             {"REQUEST_ID", "faults-drain"},
                             {"REMOTE_ADDR", "127.0.0.1"},
                             {"SERVER_PROTOCOL", "HTTP/1.1"},
                             {"GATEWAY_INTERFACE", "CGI/1.1"},
                             {"HTTP_AUTHORIZATION", "Bearer " + user.token}},
                            "", 30);
    answered = true;
  });
  const bool waiting = LockWaitSeen(db, blocker_thread, kLockWaitSeen);

  const auto term_at = Clock::now();
  kill(pool.master(), SIGTERM);
  // The idle worker leaves at once; the busy one and the master stay for the request.
  const bool idle_left =
      PollUntil(Millis(2000), [&] { return LiveChildren(pool.master()).size() == 1; });
  std::this_thread::sleep_for(kInFlight);
  const bool master_waited = Alive(pool.master());
  const bool still_in_flight = !answered;
  blocker.exec("ROLLBACK");
  request.join();
  const int exit_code = pool.WaitExit(kExitBound);
  const long long drain_ms = MillisBetween(term_at, Clock::now());
  const auto row = db.rows("SELECT status, user_id FROM show_seats WHERE id = " + Str(seat));

  FaultLine("sigterm_drain")
      .Add("in_flight_status", answer.status)
      .Add("idle_worker_left", idle_left ? 1 : 0)
      .Add("master_waited", master_waited ? 1 : 0)
      .Add("drain_ms", drain_ms)
      .Add("exit_code", exit_code)
      .Print();

  ASSERT_TRUE(waiting) << "the hold never waited on the locked row";
  EXPECT_TRUE(still_in_flight) << "the request ended before we let it go: " << answer.body;
  EXPECT_TRUE(idle_left) << "the idle worker did not leave on SIGTERM";
  EXPECT_TRUE(master_waited) << "the master exited with a request in flight";
  EXPECT_EQ(answer.status, 200) << answer.error << answer.headers << "\n" << answer.body;
  EXPECT_NE(answer.body.find("\"Locked\""), std::string::npos) << answer.body;
  EXPECT_EQ(exit_code, 0) << pool.log();
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].value_or(""), "LOCKED") << "the drained request's hold did not commit";
  EXPECT_EQ(row[0][1].value_or(""), Str(user.id));

  seats_test::Client client;
  client.del(seats_test::SeatLockPath(seat), seats_test::Auth(user.token));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace faults
