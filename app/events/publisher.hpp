#pragma once

#include <curl/curl.h>

#include <array>
#include <cstdint>
#include <string>

namespace seats {

// Posts seat events to nchan's publisher socket in this host's nginx (conf/nginx/seats.conf.in,
// "Seat events"), which fans each one out to the show's subscribers. One per worker: its curl
// handle keeps the connection to nginx open between requests.
//
// A publish never fails the request that made the change: the change has committed already,
// and the page's slow poll shows it anyway. A failure is logged with this worker's count of
// failures so far (`scripts/stack status` adds them up), and one that takes long cannot hold a
// worker for more than kTimeoutMs.
class EventPublisher {
 public:
  // An empty socket path publishes nothing (EVENTS_SOCKET unset).
  explicit EventPublisher(std::string socket_path);
  ~EventPublisher();
  EventPublisher(const EventPublisher&) = delete;
  EventPublisher& operator=(const EventPublisher&) = delete;

  // Publishes one event (a JSON text) to the show's channel. True when nchan took it.
  bool publish(int64_t show_id, const std::string& json);

  static constexpr long kTimeoutMs = 250;
  static constexpr std::size_t kSummaryEvery = 1000;

 private:
  void record(int64_t micros);

  std::string socket_path_;
  CURL* curl_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
  uint64_t failures_ = 0;
  std::array<int64_t, kSummaryEvery> micros_{};
  std::size_t timed_ = 0;
};

}  // namespace seats
