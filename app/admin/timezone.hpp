#pragma once

#include <string>

namespace seats {

// Whether `name` is an IANA time zone this machine's tz database knows ("Europe/Berlin",
// "Asia/Kolkata", "UTC"), by the zone file it would have. The service itself never converts
// times (everything is stored and answered in UTC); the zone is for pages and people, so it
// only has to be a name a browser's Intl also knows.
bool is_known_timezone(const std::string& name);

}  // namespace seats
