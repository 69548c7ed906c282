#pragma once

#include <string>

#include "db/connection.hpp"

namespace seats {

// Failed logins counted per e-mail (API.md Part 2, "Login throttling per account"), in the
// database so that every worker and app host counts the same failures, and keyed by the
// e-mail whether or not an account has it, so a 429 tells nothing about accounts.
class LoginThrottle {
 public:
  // max_failures within the window; 0 turns the throttle off.
  explicit LoginThrottle(int max_failures) : max_failures_(max_failures) {}

  // Throws 429 too_many_requests, with Retry-After until the window has room again, when
  // `email` has max_failures failures within the last 15 minutes. Concurrent attempts
  // that pass this check together may each add a failure: the count can overshoot by at
  // most the number of login workers, never reset.
  void check(Connection& db, const std::string& email);
  // Counts one failed login for `email`. A successful login is never counted.
  void failed(Connection& db, const std::string& email);

 private:
  int max_failures_;
};

}  // namespace seats
