#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace seats {

// An RFC 3339 date-time as clients send it ("2026-12-24T18:30:00Z", "...+05:30",
// "...T13:00:00.000Z" from JavaScript's toISOString) as the UTC DATETIME the database
// stores ("2026-12-24 13:00:00"). Seconds are required; a fraction is accepted only when it
// is zero, since show times are whole seconds and silently dropping one would move a
// show. nullopt for anything else, including impossible dates (February 30).
std::optional<std::string> utc_datetime_from_rfc3339(const std::string& text);

// "2024-05-20 10:10:00.123456" (UTC, as the database returns it) -> "2024-05-20T10:10:00.123456Z".
std::string rfc3339(std::string_view db_datetime);

}  // namespace seats
