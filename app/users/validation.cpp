#include "users/validation.hpp"

#include <algorithm>

#include "http/problem.hpp"
#include "http/text.hpp"

namespace seats {
namespace {

constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMinPasswordBytes = 8;
constexpr size_t kMaxPasswordBytes = 72;
constexpr size_t kMaxNameCodePoints = 100;

[[noreturn]] void invalid(const char* field, const char* why) {
  throw ApiError(Err::ValidationFailed, std::string(field) + " " + why);
}

}  // namespace

std::string email_lookup_key(const std::string& email) {
  std::string value = trim_space(email);
  std::transform(value.begin(), value.end(), value.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return value;
}

std::string normalize_email(const std::string& email) {
  std::string value = email_lookup_key(email);
  if (value.empty()) invalid("email", "is required");
  if (value.size() > kMaxEmailBytes) invalid("email", "must be at most 254 bytes");
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return is_space_char(c) || is_control_char(c); })) {
    invalid("email", "must not contain spaces or control characters");
  }
  size_t at = value.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == value.size() ||
      value.find('@', at + 1) != std::string::npos) {
    invalid("email", "must look like local@domain");
  }
  return value;
}

void check_password(const std::string& password) {
  if (password.size() < kMinPasswordBytes) invalid("password", "must be at least 8 bytes");
  if (password.size() > kMaxPasswordBytes) invalid("password", "must be at most 72 bytes");
}

std::string normalize_name(const std::string& name) {
  return checked_text(name, "name", 1, kMaxNameCodePoints);
}

}  // namespace seats
