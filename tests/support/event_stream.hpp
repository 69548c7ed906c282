// A subscriber to a show's Server-Sent Events (API.md Part 2, "On-sale"): one libcurl
// transfer on a thread of its own, through nginx from its own loopback address like every
// Client. libcurl does the HTTP; this reads the stream's lines into events as the SSE format
// says (`id:` and `data:` fields, a blank line ends an event, lines starting with ':' are
// comments) and stamps each event with the moment its last line arrived.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/client.hpp"
#include "support/json.hpp"

namespace seats_test {

using SteadyTime = std::chrono::steady_clock::time_point;

std::string EventsPath(std::int64_t show_id);
inline const char* const kAcceptEvents = "Accept: text/event-stream";

struct Event {
  std::string id;    // the event's own `id:` field, "" if it had none
  std::string data;  // its `data:` lines joined by "\n"
  Json json;         // data parsed (absent if it is not JSON)
  SteadyTime arrived;
};

class EventStream {
 public:
  // Starts GET path with these header lines ("Name: value"; "Name:" leaves a header libcurl
  // would add out, as with Client). Returns at once; the transfer runs until Close().
  EventStream(const std::string& path, std::vector<std::string> headers);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Waits until the answer's status line and headers are in, or the transfer ended; false
  // when neither happened within timeout. A 200 stream also waits (briefly) for its first
  // bytes, which nchan sends once the subscriber is in place.
  bool WaitForAnswer(std::chrono::milliseconds timeout);
  // Waits until the transfer ended (a refused subscription: its whole body is in).
  bool WaitForEnd(std::chrono::milliseconds timeout);
  // What arrived so far as a Response (status 0 before the status line), for IsProblem.
  Response answer() const;

  // The next event not yet taken, waiting up to timeout for one.
  std::optional<Event> Next(std::chrono::milliseconds timeout);
  // Stops the transfer (the subscriber disconnects); events already read stay takeable.
  void Close();

 private:
  void Run(std::vector<std::string> headers);
  void OnHeaderLine(const std::string& line);
  void OnBody(const char* data, std::size_t size);
  void OnLine(std::string line);
  static std::size_t HeaderCallback(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t BodyCallback(char* data, std::size_t size, std::size_t count, void* self);

  const std::string path_;
  const std::string source_;
  void* multi_ = nullptr;  // CURLM*, for curl_multi_wakeup from Close()

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_ = false;
  bool headers_done_ = false;
  bool ended_ = false;
  std::string error_;  // libcurl's, when the transfer failed
  long status_ = 0;
  std::map<std::string, std::string> response_headers_;
  std::string body_;     // every byte of the body, for answer()
  std::string pending_;  // the part of the body not yet split into lines
  std::string field_id_;
  std::string field_data_;
  bool has_data_ = false;
  std::deque<Event> events_;
  std::thread thread_;
};

}  // namespace seats_test
