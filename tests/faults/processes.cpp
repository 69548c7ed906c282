#include "processes.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <mysql.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/env.hpp"

namespace faults {

using seats_test::EnvOr;

long long MillisBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<Millis>(to - from).count();
}

bool PollUntil(Millis limit, const std::function<bool()>& done, Millis every) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

namespace {

// scripts/test's test stack unless stack.env says otherwise.
std::string StackDir() { return EnvOr("STACK_DIR", std::string(FAULTS_SOURCE_DIR) + "/var/test"); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// State letter and parent pid from /proc/<pid>/stat; the command name in parentheses may
// itself contain spaces or parentheses, so parse from the last ')'.
bool ReadStat(pid_t pid, char* state, pid_t* parent) {
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  std::istringstream rest(stat.substr(close + 2));
  long ppid = 0;
  rest >> *state >> ppid;
  *parent = static_cast<pid_t>(ppid);
  return static_cast<bool>(rest);
}

Pool FindPool(const std::string& name, const char* workers_variable) {
  const std::string file = RunDir() + "/" + name + ".pid";
  Pool pool;
  pool.master = ReadPidFile(file);
  if (pool.master == 0 || !Alive(pool.master)) {
    throw std::runtime_error("no running " + name + " master (pid file " + file +
                             "); is the stack up? (scripts/stack up)");
  }
  const auto argv = CommandLine(pool.master);
  if (argv.empty() || argv[0].find("seatd") == std::string::npos) {
    throw std::runtime_error(file + " names pid " + std::to_string(pool.master) +
                             ", which is not seatd");
  }
  const int configured = seats_test::EnvInt(workers_variable, 0);
  pool.workers = configured > 0 ? static_cast<std::size_t>(configured) : pool.Workers().size();
  return pool;
}

struct Detached {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // empty: this process's environment, PATH lookup
  std::string cwd;               // empty: this process's
  std::string log;               // stdout and stderr, appended
  std::string pid_file;          // empty: none written
  // The user the server ran as (scripts/stack, started as root, runs seatd as `seats`): a
  // pool restarted as root would make sockets nginx's workers cannot open.
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

// Starts a server that must outlive this test process, as a child of init in a session of
// its own, exactly as `setsid server &` in scripts/stack leaves it: a double fork, where
// the middle process records the server's pid (where the stack and the tests look for it).
void StartDetached(Detached what) {
  std::vector<char*> argv;
  for (auto& arg : what.argv) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> env;
  for (auto& entry : what.env) env.push_back(entry.data());
  env.push_back(nullptr);
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    setsid();
    const pid_t server = fork();
    if (server != 0) {
      if (server > 0 && !what.pid_file.empty()) std::ofstream(what.pid_file) << server << "\n";
      _exit(server > 0 ? 0 : 1);
    }
    if (!what.cwd.empty() && chdir(what.cwd.c_str()) != 0) _exit(126);
    const int null_in = open("/dev/null", O_RDONLY);
    const int out = open(what.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(null_in, 0);
    dup2(out >= 0 ? out : null_in, 1);
    dup2(out >= 0 ? out : null_in, 2);
    closefrom(3);
    if (what.gid != static_cast<gid_t>(-1) && what.gid != getgid()) {
      if (setgroups(0, nullptr) != 0 || setgid(what.gid) != 0) _exit(126);
    }
    if (what.uid != static_cast<uid_t>(-1) && what.uid != getuid() && setuid(what.uid) != 0) {
      _exit(126);
    }
    if (what.env.empty()) {
      execvp(argv[0], argv.data());
    } else {
      execve(argv[0], argv.data(), env.data());
    }
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("could not start " + what.argv.front());
  }
}

}  // namespace

std::string RunDir() { return EnvOr("STACK_RUN_DIR", StackDir() + "/run"); }
std::string LogDir() { return EnvOr("STACK_LOG_DIR", StackDir() + "/log"); }

pid_t ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return 0;
  return static_cast<pid_t>(pid);
}

bool Alive(pid_t pid) {
  char state = 0;
  pid_t parent = 0;
  return pid > 0 && ReadStat(pid, &state, &parent) && state != 'Z' && state != 'X';
}

std::vector<pid_t> LiveChildren(pid_t parent) {
  std::vector<pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return children;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    char state = 0;
    pid_t ppid = 0;
    if (ReadStat(static_cast<pid_t>(pid), &state, &ppid) && ppid == parent && state != 'Z' &&
        state != 'X') {
      children.push_back(static_cast<pid_t>(pid));
    }
  }
  closedir(proc);
  return children;
}

std::vector<std::string> CommandLine(pid_t pid) {
  const std::string raw = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t nul = raw.find('\0', start);
    const std::size_t end = nul == std::string::npos ? raw.size() : nul;
    argv.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

long CurrentSyscall(pid_t pid) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/syscall"));
  long number = -1;
  in >> number;
  return in ? number : -1;
}

long StatusKb(pid_t pid, const std::string& field) {
  std::istringstream in(ReadFile("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size() + 1, field + ":") != 0) continue;
    std::istringstream value(line.substr(field.size() + 1));
    long kb = -1;
    value >> kb;
    return value ? kb : -1;
  }
  return -1;
}

bool ResetPeakMemory(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5\n";
  out.flush();
  return static_cast<bool>(out);
}

std::vector<pid_t> Pool::Workers() const {
  std::vector<pid_t> serving;
  for (pid_t pid : LiveChildren(master)) {
    if (ReadFile("/proc/" + std::to_string(pid) + "/comm") == "seatd\n") serving.push_back(pid);
  }
  return serving;
}

bool Pool::WaitFull(Millis limit) const {
  return PollUntil(limit, [this] { return Workers().size() == workers; });
}

Pool MainPool() { return FindPool("seatd", "WORKERS"); }
Pool LoginPool() { return FindPool("seatd-login", "LOGIN_WORKERS"); }

namespace {
Pool PoolNamed(const std::string& name) { return name == "seatd" ? MainPool() : LoginPool(); }
}  // namespace

void StoppedProcesses::Stop(pid_t pid) {
  if (kill(pid, SIGSTOP) != 0) return;
  stopped_.push_back(pid);
  // kill() returns before the process stops; until it has, it may still accept a
  // connection meant for another worker.
  PollUntil(
      Millis(2000),
      [pid] {
        char state = 0;
        pid_t parent = 0;
        return !ReadStat(pid, &state, &parent) || state == 'T' || state == 't';
      },
      Millis(1));
}

void StoppedProcesses::ResumeAll() {
  for (pid_t pid : stopped_) kill(pid, SIGCONT);
  stopped_.clear();
}

std::optional<PrivateMariaDb> PrivateMariaDb::Find() {
  if (EnvOr("DB_SOCKET", "").empty() || !EnvOr("DB_HOST", "").empty()) return std::nullopt;
  const pid_t pid = ReadPidFile(RunDir() + "/mariadb.pid");
  if (pid == 0 || !Alive(pid)) return std::nullopt;
  auto argv = CommandLine(pid);
  if (argv.empty() || argv[0].find("mariadbd") == std::string::npos) return std::nullopt;
  return PrivateMariaDb(pid, std::move(argv));
}

PrivateMariaDb::PrivateMariaDb(PrivateMariaDb&& other) noexcept
    : pid_(other.pid_), argv_(std::move(other.argv_)), stopped_(other.stopped_) {
  other.stopped_ = false;
}

PrivateMariaDb::~PrivateMariaDb() {
  if (!stopped_) return;
  try {
    Start(Millis(60000));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "faults: could not restart MariaDB: %s\n", e.what());
  }
}

void PrivateMariaDb::Stop(Millis limit) {
  if (kill(pid_, SIGTERM) != 0) {
    throw std::runtime_error("cannot signal MariaDB pid " + std::to_string(pid_) + ": " +
                             std::strerror(errno));
  }
  stopped_ = true;
  if (!PollUntil(limit, [this] { return !Alive(pid_); })) {
    throw std::runtime_error("MariaDB did not exit after SIGTERM");
  }
}

void PrivateMariaDb::Start(Millis limit) {
  StartDetached({argv_, {}, "", LogDir() + "/mariadb.out", ""});
  stopped_ = false;
  if (!PollUntil(limit, Answers, Millis(20))) {
    throw std::runtime_error("MariaDB did not accept connections after the restart (see " +
                             LogDir() + "/mariadb.log)");
  }
  pid_ = ReadPidFile(RunDir() + "/mariadb.pid");
}

bool PrivateMariaDb::Answers() {
  MYSQL* m = mysql_init(nullptr);
  if (m == nullptr) return false;
  unsigned int timeout = 1;
  mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  const std::string socket = EnvOr("DB_SOCKET", "");
  const bool ok = mysql_real_connect(m, "localhost", EnvOr("DB_USER", "root").c_str(),
                                     EnvOr("DB_PASSWORD", "").c_str(), nullptr, 0, socket.c_str(),
                                     0) != nullptr &&
                  mysql_ping(m) == 0;
  mysql_close(m);
  return ok;
}

namespace {

// NUL-separated entries of a /proc file (cmdline, environ).
std::vector<std::string> ProcList(pid_t pid, const char* file) {
  const std::string raw = ReadFile("/proc/" + std::to_string(pid) + "/" + file);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t end = raw.find('\0', start);
    out.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

DownedPool::DownedPool(const std::string& name) : name_(name) {
  const Pool pool = PoolNamed(name);
  const std::string where = "/proc/" + std::to_string(pool.master);
  argv_ = ProcList(pool.master, "cmdline");
  env_ = ProcList(pool.master, "environ");
  char cwd[4096] = {};
  const ssize_t n = readlink((where + "/cwd").c_str(), cwd, sizeof cwd - 1);
  cwd_ = n > 0 ? std::string(cwd, static_cast<std::size_t>(n)) : "/";
  struct stat owner {};
  if (stat(where.c_str(), &owner) == 0) {
    uid_ = owner.st_uid;
    gid_ = owner.st_gid;
  }
  if (argv_.empty()) throw std::runtime_error("cannot read the command line of " + name);
  // SIGTERM drains the pool the way `scripts/stack down` does.
  if (kill(pool.master, SIGTERM) != 0) throw std::runtime_error("cannot signal " + name);
  down_ = true;
  if (!PollUntil(Millis(25000), [&] { return !Alive(pool.master); })) {
    throw std::runtime_error(name + " did not exit after SIGTERM");
  }
}

DownedPool::~DownedPool() {
  if (!down_) return;
  try {
    Start(Millis(20000));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "faults: could not restart %s: %s\n", name_.c_str(), e.what());
  }
}

void DownedPool::Start(Millis limit) {
  const std::string log = LogDir() + "/" + name_ + ".log";
  StartDetached({argv_, env_, cwd_, log, RunDir() + "/" + name_ + ".pid", uid_, gid_});
  down_ = false;
  const bool full = PollUntil(
      limit,
      [&] {
        try {
          return PoolNamed(name_).WaitFull(Millis(0));
        } catch (const std::exception&) {
          return false;
        }
      },
      Millis(20));
  if (!full) throw std::runtime_error(name_ + " did not get its workers back (see " + log + ")");
}

}  // namespace faults
