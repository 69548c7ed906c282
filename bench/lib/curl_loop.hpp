// The event loop of the bench's own HTTP clients (bench/events, bench/onsale): libcurl's
// multi interface driven by curl_multi_socket_action over one epoll set, plus timers of the
// caller's own, all on one thread. libcurl writes and parses every byte of HTTP; the loop
// only waits, dispatches and keeps what the caller asked for.
#pragma once

#include <curl/curl.h>
#include <jansson.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to);

// One HTTP exchange. A plain request keeps its whole answer in `response_body` and ends in
// `on_done`; a stream (on_data set) hands every piece of its body to on_data as it arrives
// and ends only when the server closes it or the caller calls CurlLoop::close().
struct Exchange {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string request_body;
  std::string response_body;
  long status = 0;  // 0 until the answer's status line (and after a transport failure)
  CURLcode result = CURLE_OK;
  Clock::time_point started, finished;
  std::function<void(Exchange&)> on_headers;                    // after the last header line
  std::function<void(Exchange&, const char*, size_t)> on_data;  // streams only
  std::function<void(Exchange&)> on_done;

  double elapsed_ms() const { return ms_between(started, finished); }
};

struct RequestSpec {
  const char* method = "GET";
  std::string url;
  std::string token;  // sent as "Authorization: Bearer TOKEN" when not empty
  std::string body;   // sent as application/json when not empty (POST always sends one)
  std::vector<std::string> headers;
  long timeout_ms = 30000;  // 0: none (streams)
};

class CurlLoop {
 public:
  // max_connections: how many exchanges run at once (0 = no limit); those started beyond it
  // wait in a queue here for a free slot, and that wait counts in their elapsed time.
  explicit CurlLoop(long max_connections);
  ~CurlLoop();
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  // Starts an exchange now. The loop owns it and frees it after on_done has run.
  Exchange* start(const RequestSpec& spec, std::function<void(Exchange&)> on_done,
                  std::function<void(Exchange&, const char*, size_t)> on_data = nullptr,
                  std::function<void(Exchange&)> on_headers = nullptr);
  // Ends an exchange early (a stream), without calling its on_done, and frees it.
  void close(Exchange* exchange);
  // Runs `fn` from the loop at `when` (or as soon as possible after it).
  void at(Clock::time_point when, std::function<void()> fn);
  // Calls on_ready(arg, epoll's event bits) whenever `fd` (a socket of the caller's own, not
  // libcurl's) is ready for `events` (EPOLLIN, EPOLLOUT); unwatch before closing it (from
  // on_ready too). A plain function: this runs once per read of thousands of streams.
  using OnReady = void (*)(void* arg, uint32_t events);
  void watch(int fd, uint32_t events, OnReady on_ready, void* arg);
  void unwatch(int fd);

  // Drives transfers and timers until `until`, or until stop() is called from a callback.
  void run_until(Clock::time_point until);
  void stop() { stopped_ = true; }
  // Drives transfers and timers until no exchange is running, or until `deadline`.
  void run_until_idle(Clock::time_point deadline);
  size_t transfers() const { return transfers_; }
  size_t timers() const { return timers_.size(); }

 private:
  struct Timer {
    Clock::time_point when;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Timer& other) const {
      return when != other.when ? when > other.when : seq > other.seq;
    }
  };

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static size_t on_write(char* data, size_t size, size_t count, void* exchange);
  static size_t on_header(char* data, size_t size, size_t count, void* exchange);
  void finish_done_transfers();
  void release(Exchange* exchange);
  void hand_to_curl(Exchange* exchange);
  void admit_waiting();

  CURLM* multi_;
  int epoll_fd_;
  bool curl_timer_set_ = false;
  Clock::time_point curl_timer_;
  bool stopped_ = false;
  size_t transfers_ = 0;  // running or waiting
  long max_in_curl_;
  size_t in_curl_ = 0;
  std::deque<Exchange*> waiting_;  // started, waiting for one of max_in_curl_ slots
  uint64_t timer_seq_ = 0;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  struct Watch {
    OnReady on_ready;
    void* arg;
  };
  std::unordered_map<int, Watch> watched_;
};

// Latency samples in milliseconds, and their percentiles (nearest rank).
class Samples {
 public:
  void add(double ms) { values_.push_back(static_cast<float>(ms)); }
  size_t count() const { return values_.size(); }
  double percentile(double p);
  double max();
  // {"count":N,"p50_ms":..,"p99_ms":..,"max_ms":..}, a new reference.
  json_t* to_json();

 private:
  std::vector<float> values_;
  bool sorted_ = false;
};

// Seconds of CPU (user + system) this process has used so far.
double own_cpu_seconds();
// CPU seconds used so far by the given processes, and the sum of their VmRSS in kB.
double cpu_seconds_of(const std::vector<int>& pids);
long rss_kb_of(const std::vector<int>& pids);
// Parses "1,2,3" into pids.
std::vector<int> parse_pids(const std::string& text);
// Raises this process's open-files limit to at least `need` (up to the hard limit);
// returns false when the hard limit is lower.
bool raise_fd_limit(long need);

struct JsonDeleter {
  void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;
// Parses `text` as JSON; null when it is not.
JsonPtr parse_json(const std::string& text);
// Prints `doc` as one line on stdout.
void print_json(json_t* doc);

}  // namespace bench
