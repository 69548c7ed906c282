#include "tickets/ticket_code.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace seats {
namespace {

constexpr size_t kCodeBytes = 16;

}  // namespace

std::string new_ticket_code() {
  uint8_t bytes[kCodeBytes];
  size_t have = 0;
  while (have < kCodeBytes) {
    ssize_t got = getrandom(bytes + have, kCodeBytes - have, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      // A guessable ticket is worse than no booking: fail the request.
      throw std::runtime_error("getrandom failed");
    }
    have += static_cast<size_t>(got);
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string code;
  code.reserve(2 * kCodeBytes);
  for (uint8_t b : bytes) {
    code.push_back(kDigits[b >> 4]);
    code.push_back(kDigits[b & 0xf]);
  }
  return code;
}

bool is_ticket_code(const std::string& code) {
  if (code.size() != 2 * kCodeBytes) return false;
  for (char c : code) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace seats
