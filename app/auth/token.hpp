#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace seats {

struct IssuedToken {
  std::string token;
  std::time_t expires_at;
};

// HS256 JWTs through libjwt 1.10, which checks the signature and nothing else: the
// algorithm, `exp` and the claim types are checked here.
class TokenService {
 public:
  TokenService(std::string secret, int ttl_seconds);

  IssuedToken issue(int64_t user_id, std::time_t now) const;
  // The user id in `sub` when the token is HS256, signed with our secret, and has an
  // integer `exp` in the future; nullopt otherwise.
  std::optional<int64_t> verify(std::string_view token, std::time_t now) const;
  // Same, for an Authorization header value ("Bearer <jwt>").
  std::optional<int64_t> verify_header(std::string_view header, std::time_t now) const;

 private:
  std::string secret_;
  int ttl_seconds_;
};

}  // namespace seats
