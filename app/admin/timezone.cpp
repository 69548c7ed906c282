#include "admin/timezone.hpp"

#include <fstream>

namespace seats {
namespace {

constexpr const char* kZoneDirectory = "/usr/share/zoneinfo/";
constexpr size_t kMaxName = 64;  // the column's size; the longest IANA name is 30

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-';
}

// Area/Location[/Sublocation] made of the characters IANA names use: no "..", no leading
// "/", nothing a path could escape the zone directory with.
bool looks_like_zone_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxName || name.front() == '/' || name.back() == '/') {
    return false;
  }
  char previous = '/';
  for (char c : name) {
    if (c == '/') {
      if (previous == '/') return false;
    } else if (!is_name_char(c) || (previous == '/' && !(c >= 'A' && c <= 'Z'))) {
      return false;  // each part starts with a capital, as IANA names do
    }
    previous = c;
  }
  // The tz database's own directories of alternative forms and its placeholders, which
  // browsers do not know.
  for (const char* not_a_zone : {"posix/", "right/", "SystemV/"}) {
    if (name.rfind(not_a_zone, 0) == 0) return false;
  }
  return name != "Factory" && name != "posixrules" && name != "localtime";
}

}  // namespace

bool is_known_timezone(const std::string& name) {
  if (name == "UTC") return true;
  if (!looks_like_zone_name(name)) return false;
  std::ifstream zone(kZoneDirectory + name, std::ios::binary);
  char magic[4] = {};
  return zone.read(magic, sizeof magic) && std::string(magic, 4) == "TZif";
}

}  // namespace seats
