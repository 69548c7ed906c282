#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace seats {

class Context;

// The id captured by a `:id` segment, already validated.
struct RouteParams {
  int64_t id = 0;
};

using Handler = std::function<Response(Context&, const Request&, const RouteParams&)>;

struct Route {
  const char* method;
  const char* pattern;  // segments separated by '/', ":id" matches a valid path id
  Handler handler;
};

// A path id as the contract defines it: [1-9][0-9]* no larger than 2^63-1.
std::optional<int64_t> parse_path_id(std::string_view segment);

// Finds the handler for a request. Unknown paths are 404 not_found; a known path with
// another method is 405 with an Allow header. Both come from the table, never a handler.
class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

  struct Match {
    const Handler* handler = nullptr;
    RouteParams params;
    std::string allow;  // set when the path matched but the method did not
  };
  Match match(std::string_view method, std::string_view path) const;
  // The table itself, for the test that calls every admin route without the role.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace seats
