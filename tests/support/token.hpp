// Reading the service's tokens and forging bad ones (libjwt does the signing).
#pragma once

#include <string>

#include "support/json.hpp"

namespace seats_test {

enum class Alg { kNone, kHS256, kHS384, kHS512 };

// Header and payload of a compact JWT, decoded without checking the signature; both absent
// if the token is not three base64url parts of JSON.
struct TokenParts {
  Json header;
  Json payload;
  int dots = 0;
};
TokenParts InspectToken(const std::string& token);

// True when the token verifies as HS256 with this secret.
bool VerifiesHs256(const std::string& token, const std::string& secret);

// A token with these claims (an object) signed with alg and key (key unused for kNone).
std::string ForgeToken(const Json& claims, Alg alg, const std::string& key);

// Claims {"sub": "<id>", "iat": now+iat_offset, "exp": now+exp_offset}.
Json Claims(std::int64_t user_id, long iat_offset, long exp_offset);

}  // namespace seats_test
