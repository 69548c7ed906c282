#include "users/accounts.hpp"

#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "users/validation.hpp"

namespace seats {

Response handle_register(Context& ctx, const Request& request, const RouteParams&) {
  JsonBody body = JsonBody::parse(request.body);
  std::string email = normalize_email(body.string("email"));
  std::string password = body.string("password");
  check_password(password);
  std::string name = normalize_name(body.string("name"));
  Account account = register_account(ctx.db, ctx.passwords, email, password, name);
  return json_response(
      201, json_pack("{s:{s:I, s:o, s:o}}", "user", "id", static_cast<json_int_t>(account.id),
                     "name", json_str(account.name), "email", json_str(account.email)));
}

Response handle_login(Context& ctx, const Request& request, const RouteParams&) {
  JsonBody body = JsonBody::parse(request.body);
  std::string email = email_lookup_key(body.string("email"));
  std::string password = body.string("password");
  Session session = login(ctx.db, ctx.passwords, ctx.tokens, ctx.login_throttle, email, password);
  char expires[sizeof "2024-05-20T10:10:00Z"];
  std::tm utc{};
  gmtime_r(&session.expires_at, &utc);
  std::strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return json_response(
      200, json_pack("{s:o, s:s, s:{s:I, s:o, s:o}}", "token", json_str(session.token),
                     "expires_at", expires, "user", "id", static_cast<json_int_t>(session.user.id),
                     "name", json_str(session.user.name), "role", json_str(session.user.role)));
}

}  // namespace seats
