// Fault: nchan's publisher socket is gone (nginx reloaded onto a configuration whose
// socket file was removed, or nchan is not there at all).
// Promises (API.md Part 2, "On-sale"): a failed publish never fails the request that made
// the change; it is logged and counted (event=events_publish_failed in seatd's log, which
// `scripts/stack status` sums); once the socket is back, publishing works again.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "invariants.hpp"
#include "load.hpp"
#include "processes.hpp"
#include "support/api.hpp"
#include "support/env.hpp"

namespace faults {
namespace {

constexpr int kChanges = 10;
constexpr Millis kReloadSettles(1500);

std::string StackPath(const char* name, const std::string& below_stack_dir) {
  const std::string set = seats_test::EnvOr(name, "");
  if (!set.empty()) return set;
  return seats_test::EnvOr("STACK_DIR", "var/test") + below_stack_dir;
}

long FailureLines(const std::string& log) {
  std::ifstream in(log);
  long n = 0;
  for (std::string line; std::getline(in, line);) {
    n += line.find("event=events_publish_failed") != std::string::npos;
  }
  return n;
}

// The socket moved aside for the test's length, and back whatever happens.
class MovedSocket {
 public:
  explicit MovedSocket(std::string path) : path_(std::move(path)), aside_(path_ + ".aside") {
    moved_ = std::rename(path_.c_str(), aside_.c_str()) == 0;
  }
  ~MovedSocket() { Restore(); }
  MovedSocket(const MovedSocket&) = delete;
  MovedSocket& operator=(const MovedSocket&) = delete;
  bool moved() const { return moved_; }
  void Restore() {
    if (moved_) moved_ = std::rename(aside_.c_str(), path_.c_str()) != 0;
  }

 private:
  std::string path_, aside_;
  bool moved_ = false;
};

// nginx's new workers take over; the old ones close the connections seatd's workers keep
// to the publisher, so each worker's next publish has to connect anew, to a path that is
// not there.
void ReloadNginx(const std::string& run_dir) {
  const pid_t nginx = ReadPidFile(run_dir + "/nginx.pid");
  ASSERT_GT(nginx, 0);
  ASSERT_EQ(kill(nginx, SIGHUP), 0);
  std::this_thread::sleep_for(kReloadSettles);
}

TEST(EventsPublish, a_missing_publisher_never_fails_a_change_and_is_logged) {
  const std::string run_dir = StackPath("STACK_RUN_DIR", "/run");
  const std::string log = seats_test::EnvOr("STACK_DIR", "var/test") + "/log/seatd.log";
  const seats_test::User user = seats_test::RegisterUsers(1, "faults-events").front();
  seats_test::Db db;
  const std::int64_t show = LoadShows(1).front().id;
  const auto seats = FreeSeats(db, show, 1);
  ASSERT_EQ(seats.size(), 1u) << "no free seat in show " << show;
  const std::int64_t seat = seats.front();
  seats_test::Client client;

  const long before = FailureLines(log);
  long failed_changes = 0;
  long during = 0;
  {
    MovedSocket moved(run_dir + "/events.sock");
    ASSERT_TRUE(moved.moved()) << "no publisher socket in " << run_dir;
    ReloadNginx(run_dir);
    for (int i = 0; i < kChanges; ++i) {
      const seats_test::Response lock = seats_test::Lock(client, user, seat);
      const seats_test::Response release = seats_test::Release(client, user, seat);
      failed_changes += lock.status != 200;
      failed_changes += release.status != 200;
      EXPECT_EQ(lock.status, 200) << lock.describe();
      EXPECT_EQ(release.status, 200) << release.describe();
    }
    during = FailureLines(log) - before;
    moved.Restore();
  }
  // Back: one more round lets every worker that failed reconnect, and nothing fails since.
  for (int i = 0; i < 4; ++i) {
    seats_test::Lock(client, user, seat);
    seats_test::Release(client, user, seat);
  }
  const long settled = FailureLines(log);
  for (int i = 0; i < kChanges; ++i) {
    EXPECT_EQ(seats_test::Lock(client, user, seat).status, 200);
    EXPECT_EQ(seats_test::Release(client, user, seat).status, 200);
  }
  const long after_restore = FailureLines(log) - settled;

  FaultLine("events_publisher_missing")
      .Add("changes", 2 * kChanges)
      .Add("failed_changes", failed_changes)
      .Add("publish_failures_logged", during)
      .Add("failures_after_restore", after_restore)
      .Print();
  EXPECT_EQ(failed_changes, 0);
  // Every change published, so every one of them failed and was logged.
  EXPECT_EQ(during, 2 * kChanges);
  EXPECT_EQ(after_restore, 0);
}

}  // namespace
}  // namespace faults
