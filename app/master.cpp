#include "master.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

#include "mail/mailer.hpp"
#include "worker.hpp"

namespace seats {
namespace {

using Clock = std::chrono::steady_clock;

// How often the loop wakes with no signal, to run pending respawns and deadlines.
constexpr long kTickNanos = 50'000'000;
// A worker that dies this young is taken for a crash at start (bad config, a bug hit by
// every request): replacements then wait, 50 ms doubling up to 500 ms, so a crash loop
// costs a few forks a second instead of a spinning core. A worker that had lived longer
// is replaced at once, and the cap keeps even a crash loop's replacement within a second.
constexpr auto kYoungDeath = std::chrono::seconds(1);
constexpr auto kNoBackoff = std::chrono::milliseconds(0);
constexpr auto kMinBackoff = std::chrono::milliseconds(50);
constexpr auto kMaxBackoff = std::chrono::milliseconds(500);
// Workers still busy this long after SIGTERM are killed.
constexpr auto kDrainDeadline = std::chrono::seconds(20);

// The wait before replacing a process that lived `lived` after the previous wait `last`:
// none for one that had run a while, else doubled within [kMinBackoff, kMaxBackoff].
std::chrono::milliseconds next_backoff(Clock::duration lived, std::chrono::milliseconds last) {
  return lived >= kYoungDeath ? kNoBackoff : std::min(kMaxBackoff, std::max(kMinBackoff, last * 2));
}

class Master {
 public:
  Master(const Settings& settings, int listen_fd)
      : settings_(settings), listen_fd_(listen_fd), show_versions_(/*shared=*/true) {}

  int run() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    std::fprintf(stderr, "event=master_start pid=%d workers=%d socket=%s\n", getpid(),
                 settings_.workers, settings_.fcgi_socket.c_str());
    for (int i = 0; i < settings_.workers; ++i) spawn();
    if (runs_mailer()) spawn_mailer();

    while (!stopping_ || !workers_.empty() || mailer_pid_ != 0) {
      timespec tick{0, kTickNanos};
      siginfo_t info;
      int sig = sigtimedwait(&signals, &info, &tick);
      if (sig == SIGTERM || sig == SIGINT) begin_stop();
      if (sig == SIGHUP) begin_reload();
      reap();
      if (!stopping_) {
        respawn_due();
        continue_reload();
        if (runs_mailer() && mailer_pid_ == 0 && Clock::now() >= next_mailer_) spawn_mailer();
      } else if (Clock::now() > drain_deadline_) {
        for (const auto& [pid, born] : workers_) kill(pid, SIGKILL);
        if (mailer_pid_ != 0) kill(mailer_pid_, SIGKILL);
      }
    }
    std::fprintf(stderr, "event=master_stop pid=%d\n", getpid());
    return 0;
  }

 private:
  void spawn() {
    pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      missing_ += 1;
      return;
    }
    if (pid == 0) _exit(run_worker(settings_, listen_fd_, show_versions_));
    workers_.emplace(pid, Clock::now());
  }

  bool runs_mailer() const { return settings_.mailer && !settings_.smtp_url.empty(); }

  // The mailer is supervised like a worker, but alone: it serves no requests, so it is
  // simply started again after it dies, with the same back-off against a crash loop.
  void spawn_mailer() {
    pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      next_mailer_ = Clock::now() + kMaxBackoff;
      return;
    }
    if (pid == 0) {
      close(listen_fd_);
      _exit(run_mailer(settings_));
    }
    mailer_pid_ = pid;
    mailer_born_ = Clock::now();
  }

  void mailer_died(int status) {
    mailer_pid_ = 0;
    if (stopping_) return;
    auto now = Clock::now();
    bool on_purpose = mailer_retiring_;
    mailer_retiring_ = false;
    mailer_backoff_ = on_purpose ? kNoBackoff : next_backoff(now - mailer_born_, mailer_backoff_);
    next_mailer_ = now + mailer_backoff_;
    if (on_purpose) return;
    std::fprintf(stderr, "event=mailer_died status=%d signal=%d respawn_in_ms=%lld\n",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                 static_cast<long long>(mailer_backoff_.count()));
  }

  void reap() {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == mailer_pid_) {
        mailer_died(status);
        continue;
      }
      auto found = workers_.find(pid);
      if (found == workers_.end()) continue;
      const auto born = found->second;
      workers_.erase(found);
      bool on_purpose = retiring_.erase(pid) > 0 || stopping_;
      if (pid == reloading_pid_) reloading_pid_ = 0;
      if (on_purpose) continue;
      auto now = Clock::now();
      backoff_ = next_backoff(now - born, backoff_);
      // A replacement already due keeps its time; it takes this one along.
      next_respawn_ = missing_ == 0 ? now + backoff_ : std::min(next_respawn_, now + backoff_);
      missing_ += 1;
      std::fprintf(stderr, "event=worker_died pid=%d status=%d signal=%d respawn_in_ms=%lld\n", pid,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                   WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                   static_cast<long long>(backoff_.count()));
    }
  }

  void respawn_due() {
    if (missing_ == 0 || Clock::now() < next_respawn_) return;
    // spawn() counts a failed fork as missing again: that one waits for a later tick
    // instead of being retried here without end (and with no signal handled meanwhile).
    int due = missing_;
    missing_ = 0;
    for (int i = 0; i < due; ++i) spawn();
    if (missing_ > 0) next_respawn_ = Clock::now() + kMinBackoff;
  }

  void begin_stop() {
    if (stopping_) return;
    stopping_ = true;
    drain_deadline_ = Clock::now() + kDrainDeadline;
    std::fprintf(stderr, "event=master_draining workers=%zu\n", workers_.size());
    for (const auto& [pid, born] : workers_) kill(pid, SIGTERM);
    if (mailer_pid_ != 0) kill(mailer_pid_, SIGTERM);
  }

  // SIGHUP: every worker running now is replaced, one at a time, the new one started
  // before the old one is asked to finish, so capacity never drops.
  void begin_reload() {
    to_replace_.clear();
    for (const auto& [pid, born] : workers_) to_replace_.push_back(pid);
    std::fprintf(stderr, "event=master_reload workers=%zu\n", to_replace_.size());
    // The mailer finishes the mail in hand and is started again at once.
    if (mailer_pid_ != 0) {
      mailer_retiring_ = true;
      kill(mailer_pid_, SIGTERM);
    }
  }

  void continue_reload() {
    if (reloading_pid_ != 0 || to_replace_.empty()) return;
    pid_t old = to_replace_.front();
    to_replace_.pop_front();
    if (!workers_.count(old)) return;
    spawn();
    retiring_.insert(old);
    reloading_pid_ = old;
    kill(old, SIGTERM);
  }

  const Settings& settings_;
  int listen_fd_;
  ShowVersions show_versions_;
  std::map<pid_t, Clock::time_point> workers_;  // pid -> when it was forked
  std::set<pid_t> retiring_;
  std::deque<pid_t> to_replace_;
  pid_t reloading_pid_ = 0;
  int missing_ = 0;
  bool stopping_ = false;
  Clock::time_point drain_deadline_;
  Clock::time_point next_respawn_;
  std::chrono::milliseconds backoff_ = kNoBackoff;
  pid_t mailer_pid_ = 0;
  bool mailer_retiring_ = false;
  Clock::time_point mailer_born_, next_mailer_;
  std::chrono::milliseconds mailer_backoff_ = kNoBackoff;
};

}  // namespace

int run_master(const Settings& settings, int listen_fd) {
  return Master(settings, listen_fd).run();
}

}  // namespace seats
