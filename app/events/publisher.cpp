#include "events/publisher.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace seats {
namespace {

// nchan's answer (the channel's state) is of no use to us.
size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

EventPublisher::EventPublisher(std::string socket_path) : socket_path_(std::move(socket_path)) {
  if (socket_path_.empty()) return;
  curl_ = curl_easy_init();
  if (!curl_) {
    std::fprintf(stderr, "event=events_publisher_unavailable pid=%d\n", getpid());
    return;
  }
  curl_easy_setopt(curl_, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error_);
}

EventPublisher::~EventPublisher() {
  if (curl_) curl_easy_cleanup(curl_);
}

bool EventPublisher::publish(int64_t show_id, const std::string& json) {
  if (!curl_) return false;
  // The host part only names the server block; the socket is what connects.
  std::string url = "http://localhost/shows/" + std::to_string(show_id);
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, json.c_str());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(json.size()));
  error_[0] = '\0';
  auto started = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(curl_);
  record(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               started)
             .count());
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
  // nchan answers 201 (channel made) or 202 (queued) to a message it took.
  if (rc == CURLE_OK && status >= 200 && status < 300) return true;
  ++failures_;
  std::fprintf(stderr,
               "event=events_publish_failed pid=%d show_id=%lld status=%ld error=\"%s\" "
               "failures=%llu\n",
               getpid(), static_cast<long long>(show_id), status,
               rc == CURLE_OK ? "unexpected status" : (error_[0] ? error_ : curl_easy_strerror(rc)),
               static_cast<unsigned long long>(failures_));
  return false;
}

void EventPublisher::record(int64_t micros) {
  micros_[timed_++] = micros;
  if (timed_ < micros_.size()) return;
  timed_ = 0;
  auto middle = micros_.begin() + static_cast<std::ptrdiff_t>(micros_.size() / 2);
  std::nth_element(micros_.begin(), middle, micros_.end());
  std::fprintf(stderr, "event=events_published pid=%d count=%zu median_us=%lld max_us=%lld\n",
               getpid(), micros_.size(), static_cast<long long>(*middle),
               static_cast<long long>(*std::max_element(micros_.begin(), micros_.end())));
}

}  // namespace seats
