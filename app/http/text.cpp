#include "http/text.hpp"

#include <algorithm>

#include "http/problem.hpp"

namespace seats {
namespace {

bool is_control(char c, Lines lines) {
  if (lines == Lines::Many && (c == '\n' || c == '\t')) return false;
  return is_control_char(c);
}

}  // namespace

bool is_space_char(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_control_char(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

std::string trim_space(const std::string& text) {
  size_t begin = 0, end = text.size();
  while (begin < end && is_space_char(text[begin])) ++begin;
  while (end > begin && is_space_char(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::string checked_text(const std::string& value, const std::string& field, size_t min, size_t max,
                         Lines lines) {
  std::string text = trim_space(value);
  if (std::any_of(text.begin(), text.end(), [lines](char c) { return is_control(c, lines); })) {
    throw ApiError(Err::ValidationFailed, field + " must not contain control characters");
  }
  // Counts UTF-8 lead bytes; the JSON parser has already rejected malformed UTF-8.
  size_t code_points = std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (code_points == 0 && min > 0) {
    throw ApiError(Err::ValidationFailed, field + " must not be empty");
  }
  if (code_points < min) {
    throw ApiError(Err::ValidationFailed,
                   field + " must be at least " + std::to_string(min) + " characters");
  }
  if (code_points > max) {
    throw ApiError(Err::ValidationFailed,
                   field + " must be at most " + std::to_string(max) + " characters");
  }
  return text;
}

}  // namespace seats
