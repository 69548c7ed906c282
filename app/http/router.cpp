#include "http/router.hpp"

#include <charconv>

namespace seats {
namespace {

// Matches `path` against `pattern` segment by segment, capturing a ":id" segment.
bool path_matches(std::string_view pattern, std::string_view path, RouteParams& params) {
  while (true) {
    size_t pattern_end = pattern.find('/');
    size_t path_end = path.find('/');
    std::string_view want = pattern.substr(0, pattern_end);
    std::string_view got = path.substr(0, path_end);
    if (want == ":id") {
      auto id = parse_path_id(got);
      if (!id) return false;
      params.id = *id;
    } else if (want != got) {
      return false;
    }
    if (pattern_end == std::string_view::npos || path_end == std::string_view::npos) {
      return pattern_end == path_end;
    }
    pattern.remove_prefix(pattern_end + 1);
    path.remove_prefix(path_end + 1);
  }
}

}  // namespace

std::optional<int64_t> parse_path_id(std::string_view segment) {
  if (segment.empty() || segment[0] < '1' || segment[0] > '9') return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), id);
  if (ec != std::errc() || end != segment.data() + segment.size()) return std::nullopt;
  return id;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  // HEAD is answered as GET; nginx drops the body.
  if (method == "HEAD") method = "GET";
  Match result;
  for (const Route& route : routes_) {
    RouteParams params;
    if (!path_matches(route.pattern, path, params)) continue;
    if (method == route.method) {
      result.handler = &route.handler;
      result.params = params;
      return result;
    }
    if (result.allow.find(route.method) == std::string::npos) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += route.method;
      if (std::string_view(route.method) == "GET") result.allow += ", HEAD";
    }
  }
  return result;
}

}  // namespace seats
