#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "db/connection.hpp"
#include "users/login_throttle.hpp"

namespace seats {

class PasswordHasher;
class TokenService;

struct Account {
  int64_t id;
  std::string name;
  std::string email;
  std::string role = "customer";  // customer, staff or admin (API.md Part 2, "Roles")
};

struct Session {
  Account user;
  std::string token;
  std::time_t expires_at;
};

// Creates an account from already-normalised fields. 409 email_taken if the e-mail exists.
Account register_account(Connection& db, PasswordHasher& passwords, const std::string& email,
                         const std::string& password, const std::string& name);

// 401 invalid_credentials for an unknown e-mail or a wrong password, after the same
// bcrypt work either way; each such failure is counted by `throttle`, which answers 429
// first once the e-mail has too many.
Session login(Connection& db, PasswordHasher& passwords, const TokenService& tokens,
              LoginThrottle& throttle, const std::string& email, const std::string& password);

bool user_exists(Connection& db, int64_t user_id);

}  // namespace seats
