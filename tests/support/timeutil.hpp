// Times as the API and the database write them.
#pragma once

#include <chrono>
#include <string>

namespace seats_test {

using TimePoint = std::chrono::system_clock::time_point;

// RFC 3339 in UTC with a Z suffix, optional fractional seconds: 2024-05-20T10:10:00.123Z
bool IsRfc3339Utc(const std::string& text);

// Parses "YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z]" as UTC; throws std::runtime_error otherwise.
TimePoint ParseTime(const std::string& text);

// RFC 3339 in UTC to the second, "2024-05-20T10:10:00Z" (the fraction is dropped), or with
// the same instant written at a numeric offset from UTC, "2024-05-20T15:40:00+05:30".
std::string FormatTime(TimePoint t);
std::string FormatTimeAtOffset(TimePoint t, int offset_minutes);

std::int64_t UnixSeconds(TimePoint t);
double SecondsBetween(TimePoint from, TimePoint to);

}  // namespace seats_test
