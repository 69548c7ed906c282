// The processes of the running stack, seen from outside: pid files, a master's workers,
// signals, and the private MariaDB server, which the suite stops and starts again.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace faults {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Milliseconds from `from` to `to` (negative if `to` is earlier).
long long MillisBetween(Clock::time_point from, Clock::time_point to);

// Calls `done` every `every` until it returns true (-> true) or `limit` passes (-> false).
bool PollUntil(Millis limit, const std::function<bool()>& done, Millis every = Millis(10));

// The stack's run directory: STACK_RUN_DIR, else $STACK_DIR/run, else var/test/run.
std::string RunDir();
// The stack's log directory: STACK_LOG_DIR, else $STACK_DIR/log, else var/test/log.
std::string LogDir();

// The pid in a pid file, or 0 when the file is missing or holds no number.
pid_t ReadPidFile(const std::string& path);
// True while the process exists and is not a zombie.
bool Alive(pid_t pid);
// The live (non-zombie) children of `parent`, as `pgrep -P` lists them.
std::vector<pid_t> LiveChildren(pid_t parent);
// argv of a running process, from /proc; empty if it is gone.
std::vector<std::string> CommandLine(pid_t pid);
// The system call a process is blocked in (first field of /proc/<pid>/syscall), or -1.
long CurrentSyscall(pid_t pid);
// A "kB" field of /proc/<pid>/status ("VmHWM": peak resident memory, "VmRSS": resident
// now), in kB; -1 if the process or the field is missing.
long StatusKb(pid_t pid, const std::string& field);
// Resets the process's VmHWM to its current VmRSS (writes 5 to /proc/<pid>/clear_refs), so
// a peak read afterwards is one reached since; false when that is not permitted.
bool ResetPeakMemory(pid_t pid);

// A seatd pool of the stack: its master (from run/<name>.pid) and how many workers it
// keeps (WORKERS / LOGIN_WORKERS from stack.env, else the count found at start).
struct Pool {
  pid_t master = 0;
  std::size_t workers = 0;

  // The live children that serve requests: named seatd. The main pool's mailer (with
  // SMTP_URL set) is its child too, but named seatd-mailer, and no worker.
  std::vector<pid_t> Workers() const;
  // Polls until the master has its full count of workers again; false after `limit`.
  bool WaitFull(Millis limit) const;
};
// Throws std::runtime_error when the pid file is missing or its process is not seatd.
Pool MainPool();
Pool LoginPool();

// Processes stopped with SIGSTOP; every one still alive gets SIGCONT when this goes out
// of scope, so a failing assertion never leaves the shared stack frozen.
class StoppedProcesses {
 public:
  StoppedProcesses() = default;
  ~StoppedProcesses() { ResumeAll(); }
  StoppedProcesses(const StoppedProcesses&) = delete;
  StoppedProcesses& operator=(const StoppedProcesses&) = delete;

  // Returns once the process is stopped (or gone).
  void Stop(pid_t pid);
  void ResumeAll();

 private:
  std::vector<pid_t> stopped_;
};

// A seatd pool of the stack ("seatd" or "seatd-login") taken down on purpose: the
// constructor sends its master SIGTERM (a drain, as `scripts/stack down` does) and waits
// for it to exit; Start() runs it again with the command line, environment and working
// directory read from /proc before the stop, writes the new pid file and waits for the
// full worker count. If it is still down when this object is destroyed, it is started.
class DownedPool {
 public:
  explicit DownedPool(const std::string& name);
  ~DownedPool();
  DownedPool(const DownedPool&) = delete;
  DownedPool& operator=(const DownedPool&) = delete;

  // Throws if the pool is not complete again within `limit`.
  void Start(Millis limit);

 private:
  std::string name_;
  std::vector<std::string> argv_;
  std::vector<std::string> env_;
  std::string cwd_;
  uid_t uid_ = static_cast<uid_t>(-1);  // whom the pool ran as, to restart it as them
  gid_t gid_ = static_cast<gid_t>(-1);
  bool down_ = false;
};

// The stack's private MariaDB server (run/mariadb.pid). Stop() shuts it down the way
// `mariadb-admin shutdown` does (SIGTERM) and waits for the process to end; Start() runs
// the very command line it was started with (read from /proc before the stop), detached
// into its own session like scripts/stack does, and waits until it accepts connections.
// If it is still stopped when this object is destroyed, it is started again.
class PrivateMariaDb {
 public:
  // nullopt when the stack uses an external server (no DB_SOCKET or no pid file).
  static std::optional<PrivateMariaDb> Find();
  ~PrivateMariaDb();
  PrivateMariaDb(PrivateMariaDb&& other) noexcept;
  PrivateMariaDb(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(const PrivateMariaDb&) = delete;
  PrivateMariaDb& operator=(PrivateMariaDb&&) = delete;

  pid_t pid() const { return pid_; }
  // Throws if the server does not exit within `limit`.
  void Stop(Millis limit);
  // Throws if the server does not accept a connection within `limit`.
  void Start(Millis limit);
  // One connection attempt with a 1 s timeout.
  static bool Answers();

 private:
  PrivateMariaDb(pid_t pid, std::vector<std::string> argv) : pid_(pid), argv_(std::move(argv)) {}

  pid_t pid_;
  std::vector<std::string> argv_;
  bool stopped_ = false;
};

}  // namespace faults
