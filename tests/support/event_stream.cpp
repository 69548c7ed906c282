#include "support/event_stream.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <stdexcept>

#include "support/env.hpp"

namespace seats_test {

namespace {

constexpr long kConnectTimeoutSeconds = 10;
constexpr int kPollMs = 1000;  // Close() wakes the poll at once; this only bounds a lost wakeup
constexpr auto kFirstBytesWait = std::chrono::seconds(1);

CURLM* M(void* p) { return static_cast<CURLM*>(p); }

}  // namespace

std::string EventsPath(std::int64_t show_id) {
  return "/api/v1/shows/" + std::to_string(show_id) + "/events";
}

EventStream::EventStream(const std::string& path, std::vector<std::string> headers)
    : path_(path), source_(NextSourceAddress()) {
  CurlGlobalInitOnce();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  thread_ = std::thread([this, h = std::move(headers)]() mutable { Run(std::move(h)); });
}

EventStream::~EventStream() {
  Close();
  curl_multi_cleanup(M(multi_));
}

void EventStream::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  curl_multi_wakeup(M(multi_));
  if (thread_.joinable()) thread_.join();
}

void EventStream::Run(std::vector<std::string> headers) {
  CURL* curl = curl_easy_init();
  const std::string url = settings().base_url + path_;
  const std::string interface = "host!" + source_;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, BodyCallback);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);

  CURLM* multi = M(multi_);
  curl_multi_add_handle(multi, curl);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) break;
    }
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK || running == 0) break;
    curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  std::string error;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg == CURLMSG_DONE && msg->data.result != CURLE_OK) {
      error = curl_easy_strerror(msg->data.result);
    }
  }
  curl_multi_remove_handle(multi, curl);
  curl_easy_cleanup(curl);
  curl_slist_free_all(list);

  std::lock_guard<std::mutex> lock(mutex_);
  error_ = error;
  ended_ = true;
  changed_.notify_all();
}

std::size_t EventStream::HeaderCallback(char* data, std::size_t size, std::size_t count,
                                        void* self) {
  static_cast<EventStream*>(self)->OnHeaderLine(std::string(data, size * count));
  return size * count;
}

std::size_t EventStream::BodyCallback(char* data, std::size_t size, std::size_t count, void* self) {
  static_cast<EventStream*>(self)->OnBody(data, size * count);
  return size * count;
}

void EventStream::OnHeaderLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (line.rfind("HTTP/", 0) == 0) {  // a status line: a 100 Continue starts over
    const auto space = line.find(' ');
    status_ = space == std::string::npos ? 0 : std::atol(line.c_str() + space + 1);
  } else if (line == "\r\n" || line == "\n") {  // the end of a response's headers
    if (status_ >= 200) {
      headers_done_ = true;
      changed_.notify_all();
    }
    return;
  }
  AddHeaderLine(response_headers_, line);
}

void EventStream::OnBody(const char* data, std::size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  body_.append(data, size);
  if (status_ != 200) return;
  pending_.append(data, size);
  std::size_t start = 0;
  for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n', start)) {
    std::string line = pending_.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    OnLine(std::move(line));
    start = nl + 1;
  }
  pending_.erase(0, start);
  changed_.notify_all();
}

// One line of the stream, as the SSE format reads it (mutex_ held).
void EventStream::OnLine(std::string line) {
  if (line.empty()) {
    if (has_data_) {
      if (!field_data_.empty() && field_data_.back() == '\n') field_data_.pop_back();
      Event e{field_id_, field_data_, Json::parse(field_data_), std::chrono::steady_clock::now()};
      events_.push_back(std::move(e));
    }
    field_id_.clear();
    field_data_.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // a comment (nchan's ": hi", keep-alives)
  const auto colon = line.find(':');
  const std::string name = line.substr(0, colon);
  std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.erase(0, 1);
  if (name == "data") {
    field_data_ += value + "\n";
    has_data_ = true;
  } else if (name == "id") {
    field_id_ = value;
  }
}

bool EventStream::WaitForAnswer(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return headers_done_ || ended_; })) return false;
  if (status_ == 200) {
    changed_.wait_for(lock, kFirstBytesWait, [&] { return !body_.empty() || ended_; });
  }
  return true;
}

bool EventStream::WaitForEnd(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return ended_; });
}

Response EventStream::answer() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Response r;
  r.status = status_;
  r.headers = response_headers_;
  r.body = body_;
  r.json = Json::parse(body_);
  r.request = "GET " + path_ + " (event stream)";
  r.error = error_;
  return r;
}

std::optional<Event> EventStream::Next(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !events_.empty() || ended_; });
  if (events_.empty()) return std::nullopt;
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace seats_test
