#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

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
  struct Verified {
    int64_t user_id;
    std::time_t expires_at;
  };
  std::optional<Verified> check_signature_and_claims(const std::string& token,
                                                     std::time_t now) const;

  std::string secret_;
  int ttl_seconds_;
  // Tokens that passed every check, by their exact text. A client sends the same token
  // with every request, and the HMAC through OpenSSL 3 plus the claims parse cost a
  // tenth of a hold's CPU in the worker. Only `exp` must be looked at again: the same
  // text was signed with the same secret. Refusals are never kept, so only holders of
  // valid tokens can add entries, and the map is bounded.
  mutable std::unordered_map<std::string, Verified> verified_;
};

}  // namespace seats
