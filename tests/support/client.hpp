// An HTTP client for the API behind nginx: one libcurl easy handle, one loopback source
// address. nginx rate-limits per client address, so every Client gets its own address from
// 127.1.0.0/16 unless it is given a fixed one (the rate-limit tests share one on purpose).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/json.hpp"

namespace seats_test {

struct Response {
  long status = 0;                             // 0 when the transfer itself failed
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined by ", "
  std::string body;
  Json json;            // parsed body, absent if not JSON
  std::string request;  // "METHOD path body" for failure messages
  std::string error;    // libcurl error text when status is 0

  std::string header(const std::string& lower_name) const;
  // The items of a comma-separated header (Allow, say), without spaces.
  std::set<std::string> header_items(const std::string& lower_name) const;
  std::string media_type() const;  // Content-Type without parameters, lower-cased
  std::string describe() const;    // request, status, content type and (shortened) body
};

struct Request {
  Json json;        // sent as the body when present
  std::string raw;  // sent as the body when has_raw (bytes as they are)
  bool has_raw = false;
  std::string token;                 // "Authorization: Bearer <token>" when not empty
  std::vector<std::string> headers;  // extra "Name: value" lines ("Name;" sends it empty)

  Request& Header(std::string line) {
    headers.push_back(std::move(line));
    return *this;
  }
};

Request Auth(std::string token);
Request JsonBody(Json body, std::string token = {});
Request RawBody(std::string raw, std::string token = {});

// libcurl's global initialisation, once per process, before any handle is made.
void CurlGlobalInitOnce();
// Adds one received header line ("Name: value") to headers as Response keeps them; a status
// line ("HTTP/1.1 100 Continue") starts over, so only the last response's headers stay.
void AddHeaderLine(std::map<std::string, std::string>& headers, const std::string& line);

// The next unused loopback address (127.1.x.y); the sequence starts at an offset derived
// from the pid, so test binaries running side by side use different addresses.
std::string NextSourceAddress();

class Client {
 public:
  Client();  // a fresh source address
  explicit Client(std::string source_address);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&& other) noexcept;
  Client& operator=(Client&& other) = delete;

  const std::string& source_address() const { return source_; }

  // path starts with "/" and is appended to SEATS_URL.
  Response send(const std::string& method, const std::string& path, const Request& req = {});
  Response get(const std::string& path, const Request& req = {}) { return send("GET", path, req); }
  Response post(const std::string& path, const Request& req = {}) {
    return send("POST", path, req);
  }
  Response patch(const std::string& path, const Request& req = {}) {
    return send("PATCH", path, req);
  }
  Response del(const std::string& path, const Request& req = {}) {
    return send("DELETE", path, req);
  }

 private:
  void* curl_;  // CURL*, kept out of the header
  std::string source_;
};

}  // namespace seats_test
