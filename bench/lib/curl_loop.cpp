#include "curl_loop.hpp"

#include <jansson.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bench {

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

CurlLoop::CurlLoop(long max_connections)
    : multi_(curl_multi_init()), epoll_fd_(epoll_create1(0)), max_in_curl_(max_connections) {
  if (multi_ == nullptr || epoll_fd_ < 0) throw std::runtime_error("curl_multi_init or epoll");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  if (max_connections > 0) {
    // The limit is kept here (waiting_), not with CURLMOPT_MAX_TOTAL_CONNECTIONS: libcurl
    // 7.88 retries every pending transfer each time a connection frees up, which with
    // thousands waiting cost the client more CPU than the server spent answering.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connections);
  } else {
    // Keep every idle connection for reuse rather than closing the oldest ones.
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 100000L);
  }
}

CurlLoop::~CurlLoop() {
  // Exchanges still running are dropped with the multi handle; libcurl closes their sockets.
  curl_multi_cleanup(multi_);
  ::close(epoll_fd_);
}

Exchange* CurlLoop::start(const RequestSpec& spec, std::function<void(Exchange&)> on_done,
                          std::function<void(Exchange&, const char*, size_t)> on_data,
                          std::function<void(Exchange&)> on_headers) {
  auto* ex = new Exchange;
  ex->easy = curl_easy_init();
  if (ex->easy == nullptr) throw std::runtime_error("curl_easy_init");
  ex->on_done = std::move(on_done);
  ex->on_data = std::move(on_data);
  ex->on_headers = std::move(on_headers);
  CURL* e = ex->easy;
  curl_easy_setopt(e, CURLOPT_URL, spec.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, ex);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlLoop::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, ex);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlLoop::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, ex);
  if (spec.timeout_ms > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, spec.timeout_ms);
  std::string method = spec.method;
  if (method == "POST") {
    ex->request_body = spec.body;
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(ex->request_body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, ex->request_body.c_str());
  } else if (method != "GET") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, spec.method);
    if (!spec.body.empty()) {
      ex->request_body = spec.body;
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(ex->request_body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, ex->request_body.c_str());
    }
  }
  if (!ex->request_body.empty()) {
    ex->headers = curl_slist_append(ex->headers, "Content-Type: application/json");
  }
  if (!spec.token.empty()) {
    ex->headers = curl_slist_append(ex->headers, ("Authorization: Bearer " + spec.token).c_str());
  }
  for (const std::string& h : spec.headers) ex->headers = curl_slist_append(ex->headers, h.c_str());
  if (ex->headers != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, ex->headers);
  ex->started = Clock::now();
  ++transfers_;
  if (max_in_curl_ > 0 && in_curl_ >= static_cast<size_t>(max_in_curl_)) {
    waiting_.push_back(ex);
  } else {
    hand_to_curl(ex);
  }
  return ex;
}

void CurlLoop::hand_to_curl(Exchange* ex) {
  if (curl_multi_add_handle(multi_, ex->easy) != CURLM_OK) throw std::runtime_error("add_handle");
  ++in_curl_;
}

void CurlLoop::admit_waiting() {
  while (!waiting_.empty() && (max_in_curl_ <= 0 || in_curl_ < static_cast<size_t>(max_in_curl_))) {
    Exchange* next = waiting_.front();
    waiting_.pop_front();
    hand_to_curl(next);
  }
}

void CurlLoop::release(Exchange* ex) {
  auto queued = std::find(waiting_.begin(), waiting_.end(), ex);
  if (queued != waiting_.end()) {
    waiting_.erase(queued);
  } else {
    curl_multi_remove_handle(multi_, ex->easy);
    --in_curl_;
  }
  curl_easy_cleanup(ex->easy);
  curl_slist_free_all(ex->headers);
  --transfers_;
  delete ex;
}

void CurlLoop::close(Exchange* ex) {
  release(ex);
  admit_waiting();
}

void CurlLoop::at(Clock::time_point when, std::function<void()> fn) {
  timers_.push(Timer{when, timer_seq_++, std::move(fn)});
}

void CurlLoop::watch(int fd, uint32_t events, OnReady on_ready, void* arg) {
  epoll_event ev{};
  ev.data.fd = fd;
  ev.events = events;
  bool known = watched_.count(fd) != 0;
  watched_[fd] = Watch{on_ready, arg};
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
  }
}

void CurlLoop::unwatch(int fd) {
  if (watched_.erase(fd) != 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

int CurlLoop::on_socket(CURL*, curl_socket_t fd, int what, void* self, void* socketp) {
  auto* loop = static_cast<CurlLoop*>(self);
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(loop->epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // curl may have closed it already
    curl_multi_assign(loop->multi_, fd, nullptr);
    return 0;
  }
  epoll_event ev{};
  ev.data.fd = fd;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) ev.events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) ev.events |= EPOLLOUT;
  if (socketp == nullptr) {
    if (epoll_ctl(loop->epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0 && errno == EEXIST) {
      epoll_ctl(loop->epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    }
    curl_multi_assign(loop->multi_, fd, loop);  // any non-null marker: "registered"
  } else {
    epoll_ctl(loop->epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
  }
  return 0;
}

int CurlLoop::on_timer(CURLM*, long timeout_ms, void* self) {
  auto* loop = static_cast<CurlLoop*>(self);
  loop->curl_timer_set_ = timeout_ms >= 0;
  if (loop->curl_timer_set_) {
    loop->curl_timer_ = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

size_t CurlLoop::on_write(char* data, size_t size, size_t count, void* exchange) {
  auto* ex = static_cast<Exchange*>(exchange);
  size_t n = size * count;
  if (ex->on_data) {
    ex->on_data(*ex, data, n);
  } else {
    ex->response_body.append(data, n);
  }
  return n;
}

size_t CurlLoop::on_header(char* data, size_t size, size_t count, void* exchange) {
  auto* ex = static_cast<Exchange*>(exchange);
  size_t n = size * count;
  if (n == 2 && data[0] == '\r' && data[1] == '\n') {
    curl_easy_getinfo(ex->easy, CURLINFO_RESPONSE_CODE, &ex->status);
    if (ex->on_headers) ex->on_headers(*ex);
  }
  return n;
}

void CurlLoop::finish_done_transfers() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Exchange* ex = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &ex);
    ex->finished = Clock::now();
    ex->result = msg->data.result;
    curl_easy_getinfo(ex->easy, CURLINFO_RESPONSE_CODE, &ex->status);
    if (ex->result != CURLE_OK) ex->status = 0;
    // Taken out of the multi handle first, so on_done may start new exchanges freely.
    curl_multi_remove_handle(multi_, ex->easy);
    --in_curl_;
    if (ex->on_done) ex->on_done(*ex);
    curl_easy_cleanup(ex->easy);
    curl_slist_free_all(ex->headers);
    --transfers_;
    delete ex;
  }
  admit_waiting();
}

void CurlLoop::run_until(Clock::time_point until) {
  stopped_ = false;
  constexpr int kMaxEvents = 1024;
  epoll_event events[kMaxEvents];
  int running = 0;
  while (!stopped_) {
    Clock::time_point now = Clock::now();
    while (!timers_.empty() && timers_.top().when <= now && !stopped_) {
      std::function<void()> fn = timers_.top().fn;
      timers_.pop();
      fn();
    }
    if (stopped_) break;
    finish_done_transfers();
    now = Clock::now();
    if (now >= until) break;
    Clock::time_point wake = until;
    if (curl_timer_set_) wake = std::min(wake, curl_timer_);
    if (!timers_.empty()) wake = std::min(wake, timers_.top().when);
    long wait_us = std::chrono::duration_cast<std::chrono::microseconds>(wake - now).count();
    int wait_ms = wait_us <= 0 ? 0 : static_cast<int>((wait_us + 999) / 1000);
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, wait_ms);
    for (int i = 0; i < n; ++i) {
      if (auto own = watched_.find(events[i].data.fd); own != watched_.end()) {
        Watch w = own->second;  // a copy: the call may unwatch it
        w.on_ready(w.arg, events[i].events);
        continue;
      }
      int flags = 0;
      if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
      if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi_, events[i].data.fd, flags, &running);
    }
    if (curl_timer_set_ && Clock::now() >= curl_timer_) {
      curl_timer_set_ = false;
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    finish_done_transfers();
  }
}

void CurlLoop::run_until_idle(Clock::time_point deadline) {
  while (transfers_ > 0 && Clock::now() < deadline) {
    run_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
  }
}

double Samples::percentile(double p) {
  if (values_.empty()) return 0;
  if (!sorted_) {
    std::sort(values_.begin(), values_.end());
    sorted_ = true;
  }
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values_.size())));
  return values_[std::min(values_.size(), std::max<size_t>(rank, 1)) - 1];
}

double Samples::max() { return percentile(100); }

json_t* Samples::to_json() {
  auto r3 = [](double v) { return std::round(v * 1000) / 1000; };
  return json_pack("{s:I,s:f,s:f,s:f}", "count", static_cast<json_int_t>(count()), "p50_ms",
                   r3(percentile(50)), "p99_ms", r3(percentile(99)), "max_ms", r3(max()));
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double cpu_seconds_of(const std::vector<int>& pids) {
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double total = 0;
  for (int pid : pids) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = text.rfind(')');  // the command name may hold spaces
    if (paren == std::string::npos) continue;
    std::istringstream fields(text.substr(paren + 2));
    std::string field;
    // Fields after the name start at 3 (state); utime and stime are fields 14 and 15.
    for (int i = 3; i <= 13 && fields >> field; ++i) {
    }
    long utime = 0, stime = 0;
    fields >> utime >> stime;
    total += static_cast<double>(utime + stime) / ticks;
  }
  return total;
}

long rss_kb_of(const std::vector<int>& pids) {
  long total = 0;
  for (int pid : pids) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("VmRSS:", 0) == 0) {
        total += std::atol(line.c_str() + 6);
        break;
      }
    }
  }
  return total;
}

std::vector<int> parse_pids(const std::string& text) {
  std::vector<int> pids;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) pids.push_back(std::atoi(item.c_str()));
  }
  return pids;
}

bool raise_fd_limit(long need) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= static_cast<rlim_t>(need)) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < static_cast<rlim_t>(need)) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    return false;
  }
  limit.rlim_cur = static_cast<rlim_t>(need);
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

JsonPtr parse_json(const std::string& text) {
  return JsonPtr(json_loadb(text.data(), text.size(), 0, nullptr));
}

void print_json(json_t* doc) {
  char* text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
  if (text != nullptr) std::printf("%s\n", text);
  std::fflush(stdout);
  free(text);
}

}  // namespace bench
