#include "context.hpp"

#include "http/problem.hpp"
#include "users/accounts.hpp"

namespace seats {

int64_t Context::authenticate(const Request& request) {
  int64_t user_id = token_user(request);
  require_user(user_id);
  return user_id;
}

int64_t Context::token_user(const Request& request) const {
  auto user_id = tokens.verify_header(request.authorization, std::time(nullptr));
  if (!user_id) throw ApiError(Err::Unauthorized, "A valid bearer token is required");
  return *user_id;
}

void Context::seats_changed(int64_t show_id, const std::string& event) {
  seat_maps.changed(show_id);
  events.publish(show_id, event);
}

void Context::require_user(int64_t user_id) {
  if (!user_exists(db, user_id)) {
    throw ApiError(Err::Unauthorized, "The token's user no longer exists");
  }
}

int64_t Context::require_role(const Request& request, Role role) {
  int64_t user_id = token_user(request);
  Statement& q = db.statement("SELECT role FROM users WHERE id = ?");
  q.run({user_id});
  if (!q.next()) throw ApiError(Err::Unauthorized, "The token's user no longer exists");
  std::string has = q.text(0);
  Role held = has == "admin" ? Role::Admin : has == "staff" ? Role::Staff : Role::Customer;
  if (held < role) {
    throw ApiError(Err::Forbidden, role == Role::Admin ? "This needs the admin role"
                                                       : "This needs the staff or admin role");
  }
  return user_id;
}

int64_t Context::optional_user(const Request& request) const {
  if (request.authorization.empty()) return 0;
  return tokens.verify_header(request.authorization, std::time(nullptr)).value_or(0);
}

}  // namespace seats
