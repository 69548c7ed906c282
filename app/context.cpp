#include "context.hpp"

#include "http/problem.hpp"
#include "users/accounts.hpp"

namespace seats {

int64_t Context::authenticate(const Request& request) {
  auto user_id = tokens.verify_header(request.authorization, std::time(nullptr));
  if (!user_id) throw ApiError(Err::Unauthorized, "A valid bearer token is required");
  if (!user_exists(db, *user_id)) {
    throw ApiError(Err::Unauthorized, "The token's user no longer exists");
  }
  return *user_id;
}

int64_t Context::optional_user(const Request& request) const {
  if (request.authorization.empty()) return 0;
  return tokens.verify_header(request.authorization, std::time(nullptr)).value_or(0);
}

}  // namespace seats
