#include "http/deadline.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace seats {
namespace {

constexpr auto kCommitMargin = std::chrono::seconds(1);

}  // namespace

std::chrono::system_clock::time_point request_received_at(
    const char* request_start, std::chrono::system_clock::time_point fallback) {
  if (!request_start) return fallback;
  const char* end = request_start + std::strlen(request_start);
  int64_t seconds = 0;
  auto [dot, ec] = std::from_chars(request_start, end, seconds);
  if (ec != std::errc() || dot == request_start || seconds < 0 || end - dot != 4 || *dot != '.') {
    return fallback;
  }
  int millis = 0;
  auto [last, ec2] = std::from_chars(dot + 1, end, millis);
  if (ec2 != std::errc() || last != end || millis < 0) return fallback;
  auto since_epoch = std::chrono::seconds(seconds) + std::chrono::milliseconds(millis);
  // A time in the future (clocks apart, a forged value) must not stretch the deadline.
  auto received = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
  return received < fallback ? received : fallback;
}

std::chrono::system_clock::time_point commit_deadline(
    std::chrono::system_clock::time_point received, int timeout_seconds) {
  return received + std::chrono::seconds(timeout_seconds) - kCommitMargin;
}

}  // namespace seats
