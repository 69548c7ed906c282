// Times as the API and the database write them.
#pragma once

#include <chrono>
#include <string>

namespace seats_test {

// Microseconds (what the database keeps), which also reach far enough for any year a time
// string can name: the system clock's nanoseconds end in 2262.
using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

// This machine's clock (the database's is Db::now()).
TimePoint SystemNow();

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
