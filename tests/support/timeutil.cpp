#include "support/timeutil.hpp"

#include <cstdio>
#include <ctime>
#include <regex>
#include <stdexcept>

namespace seats_test {

TimePoint SystemNow() {
  return std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
}

bool IsRfc3339Utc(const std::string& text) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$)");
  return std::regex_match(text, re);
}

TimePoint ParseTime(const std::string& text) {
  static const std::regex re(
      R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.(\d{1,9}))?Z?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) throw std::runtime_error("not a time: \"" + text + "\"");
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  const time_t secs = timegm(&tm);
  std::string frac = m[8].matched ? m[8].str() : "";
  frac.resize(6, '0');  // to microseconds, truncating
  return TimePoint(std::chrono::seconds(secs)) + std::chrono::microseconds(std::stoll(frac));
}

std::string FormatTimeAtOffset(TimePoint t, int offset_minutes) {
  const time_t secs =
      static_cast<time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count()) +
      static_cast<time_t>(offset_minutes) * 60;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (offset_minutes == 0) return std::string(text) + "Z";
  const int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char offset[16];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
                magnitude / 60 % 100, magnitude % 60);
  return text + std::string(offset);
}

std::string FormatTime(TimePoint t) { return FormatTimeAtOffset(t, 0); }

std::int64_t UnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

double SecondsBetween(TimePoint from, TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace seats_test
