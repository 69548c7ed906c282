#include "http/json_number.hpp"

#include <cstddef>

namespace seats {
namespace {

// ASCII digits only: std::isdigit would follow the locale.
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  // Skips a run of digits; true when there was at least one.
  auto digits = [&] {
    const std::size_t start = i;
    while (i < n && is_digit(text[i])) ++i;
    return i > start;
  };
  if (i < n && text[i] == '-') ++i;
  if (i < n && text[i] == '0') {
    ++i;
  } else if (i < n && text[i] >= '1' && text[i] <= '9') {
    digits();
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

}  // namespace seats
