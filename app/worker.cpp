#include "worker.hpp"

#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>

#include "context.hpp"
#include "db/error.hpp"
#include "handlers/handlers.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace seats {
namespace {

constexpr useconds_t kAcceptRetryMicros = 10000;

volatile sig_atomic_t g_stop = 0;

void on_terminate(int) { g_stop = 1; }

// SIGTERM means: finish the request in hand, take no other. It is kept blocked everywhere
// except in wait_for_work()'s ppoll, the one place a worker waits for a new request (or
// for the next one on a connection nginx keeps), so it can interrupt only that wait and
// never a half-read request, a library call that does not restart, or a transaction.
// Returns the mask to wait with.
sigset_t install_signals() {
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
  sigset_t waiting;
  sigemptyset(&waiting);
  return waiting;
}

// Waits until there is a request to read: a new connection on the (non-blocking) listening
// socket, or the next request on a connection nginx keeps. False once SIGTERM has come.
// Another worker may win the connection; FCGX_Accept_r then fails with EAGAIN and we wait
// again.
bool wait_for_work(const FCGX_Request& fcgi, int listen_fd, const sigset_t& waiting) {
  pollfd fd{fcgi.ipcFd >= 0 ? fcgi.ipcFd : listen_fd, POLLIN, 0};
  while (!g_stop) {
    if (ppoll(&fd, 1, nullptr, &waiting) > 0) return true;
    if (errno != EINTR) return true;  // let FCGX_Accept_r meet and report the error
  }
  return false;
}

// Routes and runs one request; every failure becomes a problem+json answer here.
Response dispatch(Context& ctx, const Router& router, FCGX_Request& fcgi, Request& request) {
  try {
    request = read_request(fcgi);
    Router::Match match = router.match(request.method, request.path);
    if (!match.handler) {
      if (match.allow.empty()) return problem_response(Err::NotFound, "No such resource");
      Response response =
          problem_response(Err::MethodNotAllowed, "Allowed methods: " + match.allow);
      response.headers.emplace_back("Allow", match.allow);
      return response;
    }
    ctx.db.ensure_ready();
    return (*match.handler)(ctx, request, match.params);
  } catch (const ApiError& e) {
    return problem_response(e.code(), e.detail());
  } catch (const DbError& e) {
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
    std::fprintf(stderr, "event=internal_error request_id=%s message=\"%s\"\n",
                 request.request_id.c_str(), e.what());
    return problem_response(Err::Internal, "Internal error");
  }
}

}  // namespace

int run_worker(const Settings& settings, int listen_fd) {
  const sigset_t waiting = install_signals();
  if (FCGX_Init() != 0) return 1;
  Context ctx(settings);
  Router router = make_router();
  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, listen_fd, 0);
  try {
    ctx.db.ensure_ready();  // connect early; a failure here is retried per request
  } catch (const DbError& e) {
    std::fprintf(stderr, "event=db_connect_failed pid=%d message=\"%s\"\n", getpid(), e.what());
  }

  while (wait_for_work(fcgi, listen_fd, waiting)) {
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
