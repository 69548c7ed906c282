#pragma once

#include <chrono>
#include <string_view>

namespace seats {

// When nginx received the request: the REQUEST_START FastCGI parameter, nginx's $msec
// ("1733080000.123", seconds since the epoch with milliseconds). A missing or malformed
// value (a FastCGI client other than our nginx) counts as `fallback`, the moment the
// worker picked the request up.
std::chrono::system_clock::time_point request_received_at(
    const char* request_start, std::chrono::system_clock::time_point fallback);

// The last moment a worker may start or commit work for a request received at
// `received`: nginx gives up `timeout_seconds` after it sent the request, and one second
// is kept back so a COMMIT begun just before the deadline still lands before the 504.
std::chrono::system_clock::time_point commit_deadline(
    std::chrono::system_clock::time_point received, int timeout_seconds);

}  // namespace seats
