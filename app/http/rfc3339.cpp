#include "http/rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace seats {
namespace {

// Reads `count` digits at text[at...] into *out.
bool digits(const std::string& text, size_t at, size_t count, int* out) {
  if (at + count > text.size()) return false;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<std::string> utc_datetime_from_rfc3339(const std::string& text) {
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !digits(text, 0, 4, &year) || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, &hour) || text[13] != ':' ||
      !digits(text, 14, 2, &minute) || text[16] != ':' || !digits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    size_t first = ++at;
    while (at < text.size() && text[at] == '0') ++at;
    if (at == first || (at < text.size() && text[at] >= '1' && text[at] <= '9')) {
      return std::nullopt;
    }
  }
  int offset_minutes = 0;
  if (at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    offset_minutes = 0;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int off_hours, off_minutes;
    if (!digits(text, at + 1, 2, &off_hours) || !digits(text, at + 4, 2, &off_minutes) ||
        off_hours > 23 || off_minutes > 59) {
      return std::nullopt;
    }
    offset_minutes = (text[at] == '+' ? 1 : -1) * (off_hours * 60 + off_minutes);
  } else {
    return std::nullopt;
  }

  std::tm local{};
  local.tm_year = year - 1900;
  local.tm_mon = month - 1;
  local.tm_mday = day;
  local.tm_hour = hour;
  local.tm_min = minute;
  local.tm_sec = second;
  time_t utc = timegm(&local) - static_cast<time_t>(offset_minutes) * 60;
  std::tm out{};
  if (!gmtime_r(&utc, &out) || out.tm_year + 1900 < 1970 || out.tm_year + 1900 > 9999) {
    return std::nullopt;
  }
  char buffer[96];  // room for any int in each field, which GCC cannot rule out
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", out.tm_year + 1900,
                out.tm_mon + 1, out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec);
  return std::string(buffer);
}

std::string rfc3339(std::string_view db_datetime) {
  std::string out(db_datetime);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  out += 'Z';
  return out;
}

}  // namespace seats
