// Event streams (GET .../events) for a bench client that holds thousands of them: plain
// non-blocking sockets in the caller's CurlLoop, one recv() per wake-up. libcurl's easy
// handles cost the events bench about 6 us of its own CPU per event read, on the same two
// cores that nginx fans the events out on; a stream here reads the answer's status line,
// skips its headers, undoes the chunked framing and hands the body on, and nothing else
// (no redirects, no TLS, no HTTP/2: nginx on loopback speaks plain HTTP/1.1).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "curl_loop.hpp"

namespace bench {

class SseStream {
 public:
  struct Handlers {
    std::function<void(long status)> on_headers;              // after the header block
    std::function<void(const char* data, size_t n)> on_body;  // body bytes, de-chunked
    std::function<void()> on_closed;                          // the server closed it
  };

  // Connects to `url` (http://HOST:PORT/PATH, HOST numeric) and asks for the stream.
  SseStream(CurlLoop& loop, const std::string& url, Handlers handlers);
  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  long status() const { return status_; }
  bool open() const { return fd_ >= 0; }
  // Closes it without calling on_closed.
  void close();

 private:
  static void on_ready(void* self, uint32_t events);
  void send_request();
  void read_some();
  void take(const char* data, size_t n);
  bool take_headers();
  void take_chunked(const char* data, size_t n);
  void closed_by_server();

  CurlLoop& loop_;
  Handlers handlers_;
  int fd_ = -1;
  std::string request_;
  size_t sent_ = 0;
  long status_ = 0;
  bool in_body_ = false;
  bool chunked_ = false;
  std::string head_;        // the header block, until its blank line
  std::string chunk_line_;  // a chunk-size line read in parts
  size_t chunk_left_ = 0;   // body bytes left in the current chunk
  int chunk_crlf_ = 0;      // bytes of a chunk's closing CRLF still to skip
};

}  // namespace bench
