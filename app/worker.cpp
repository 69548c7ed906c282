#include "worker.hpp"

#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "context.hpp"
#include "db/error.hpp"
#include "handlers/handlers.hpp"
#include "http/deadline.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace seats {
namespace {

constexpr useconds_t kAcceptRetryMicros = 10000;

volatile sig_atomic_t g_stop = 0;

void on_terminate(int) { g_stop = 1; }

// SIGTERM means: finish the request in hand, take no other. It is kept blocked everywhere
// except in WorkWaiter::wait(), the one place a worker waits for a new request (or
// for the next one on a connection nginx keeps), so it can interrupt only that wait and
// never a half-read request, a library call that does not restart, or a transaction.
void install_signals() {
  struct sigaction action {};
  action.sa_handler = on_terminate;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);  // nginx may close a connection before we finish writing
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigprocmask(SIG_SETMASK, &blocked, nullptr);
  // A worker never outlives its master.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
}

// Where a worker waits for work. New connections: an epoll set of its own holding the
// (non-blocking) listening socket with EPOLLEXCLUSIVE, so the kernel wakes one idle
// worker per connection instead of all of them. The next request on a connection nginx
// keeps: a ppoll on it. Both waits unblock SIGTERM atomically, for their duration only.
class WorkWaiter {
 public:
  explicit WorkWaiter(int listen_fd)
      : listen_fd_(listen_fd), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
    sigemptyset(&waiting_);  // nothing blocked while waiting
    epoll_event listen{};
    listen.events = EPOLLIN | EPOLLEXCLUSIVE;
    listen.data.fd = listen_fd;
    if (epoll_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd, &listen) != 0) {
      // Still correct without it (a ppoll on the socket), only with every idle worker woken.
      std::fprintf(stderr, "event=epoll_failed pid=%d errno=%d\n", getpid(), errno);
      if (epoll_fd_ >= 0) close(epoll_fd_);
      epoll_fd_ = -1;
    }
  }
  ~WorkWaiter() {
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }
  WorkWaiter(const WorkWaiter&) = delete;
  WorkWaiter& operator=(const WorkWaiter&) = delete;

  // True when there is something to read; false once SIGTERM has come. A woken worker may
  // still lose the connection to another; FCGX_Accept_r then fails with EAGAIN and the
  // caller waits again.
  bool wait(const FCGX_Request& fcgi) {
    while (!g_stop) {
      int ready;
      if (fcgi.ipcFd >= 0 || epoll_fd_ < 0) {
        pollfd one{fcgi.ipcFd >= 0 ? fcgi.ipcFd : listen_fd_, POLLIN, 0};
        ready = ppoll(&one, 1, nullptr, &waiting_);
      } else {
        epoll_event event;
        ready = epoll_pwait(epoll_fd_, &event, 1, -1, &waiting_);
      }
      // Anything but a signal, an error included, goes on to FCGX_Accept_r to report.
      if (ready > 0 || errno != EINTR) return true;
    }
    return false;
  }

 private:
  int listen_fd_;
  int epoll_fd_;
  sigset_t waiting_;
};

// Routes and runs one request; every failure becomes a problem+json answer here.
Response dispatch(Context& ctx, const Router& router, FCGX_Request& fcgi, Request& request) {
  try {
    auto now = std::chrono::system_clock::now();
    auto deadline =
        commit_deadline(request_received_at(FCGX_GetParam("REQUEST_START", fcgi.envp), now),
                        ctx.settings.request_timeout_seconds);
    ctx.db.set_commit_deadline(deadline);
    request = read_request(fcgi);
    Router::Match match = router.match(request.method, request.path);
    if (!match.handler) {
      if (match.allow.empty()) return problem_response(Err::NotFound, "No such resource");
      Response response =
          problem_response(Err::MethodNotAllowed, "Allowed methods: " + match.allow);
      response.headers.emplace_back("Allow", match.allow);
      return response;
    }
    // It waited in the queue until nginx (nearly) gave up on it: its client has its 504,
    // and the database is likely what held it up, so it is not asked.
    if (now >= deadline) {
      return problem_response(Err::Unavailable, "The service is busy; try again in a moment");
    }
    ctx.db.ensure_ready();
    return (*match.handler)(ctx, request, match.params);
  } catch (const ApiError& e) {
    return problem_response(e);
  } catch (const DbError& e) {
    // A write may have committed before the error: no worker may keep showing the seats
    // as they were.
    ctx.seat_maps.maybe_changed_any();
    std::fprintf(stderr, "event=db_error request_id=%s errno=%u kind=%d message=\"%s\"\n",
                 request.request_id.c_str(), e.number(), static_cast<int>(e.kind()), e.what());
    if (e.kind() == DbError::Kind::ConnectionLost) {
      ctx.db.discard();
      return problem_response(Err::Unavailable, "The database is not answering; try again");
    }
    // An unexpected database error leaves the session state unknown: start afresh.
    ctx.db.discard();
    return problem_response(Err::Internal, "Internal error");
  } catch (const std::exception& e) {
    ctx.seat_maps.maybe_changed_any();  // as above: what was committed is unknown
    std::fprintf(stderr, "event=internal_error request_id=%s message=\"%s\"\n",
                 request.request_id.c_str(), e.what());
    return problem_response(Err::Internal, "Internal error");
  }
}

}  // namespace

int run_worker(const Settings& settings, int listen_fd, ShowVersions& show_versions) {
  install_signals();
  if (FCGX_Init() != 0) return 1;
  Context ctx(settings, show_versions);
  Router router = make_router();
  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, listen_fd, 0);
  try {
    ctx.db.ensure_ready();  // connect early; a failure here is retried per request
  } catch (const DbError& e) {
    std::fprintf(stderr, "event=db_connect_failed pid=%d message=\"%s\"\n", getpid(), e.what());
  }

  WorkWaiter waiter(listen_fd);
  while (waiter.wait(fcgi)) {
    int accepted = FCGX_Accept_r(&fcgi);
    if (accepted == -EAGAIN || accepted == -EWOULDBLOCK) continue;  // another worker took it
    if (accepted < 0) {
      // The listening socket is in trouble (out of descriptors, say). Back off briefly
      // rather than spin; the master replaces us if we die.
      std::fprintf(stderr, "event=accept_failed pid=%d error=%d\n", getpid(), -accepted);
      usleep(kAcceptRetryMicros);
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    Request request;
    Response response = dispatch(ctx, router, fcgi, request);
    write_response(fcgi.out, response, request.request_id);
    FCGX_Finish_r(&fcgi);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    if (response.status >= 500) {
      std::fprintf(stderr, "event=request request_id=%s method=%s path=%s status=%d us=%lld\n",
                   request.request_id.c_str(), request.method.c_str(), request.path.c_str(),
                   response.status, static_cast<long long>(micros));
    }
  }
  return 0;
}

}  // namespace seats
