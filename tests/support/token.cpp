#include "support/token.hpp"

#include <jwt.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace seats_test {

namespace {

using JwtPtr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

// base64url without padding, as JWT uses it; empty optional-like "" plus ok=false on bad input.
std::string Base64UrlDecode(const std::string& in, bool& ok) {
  ok = true;
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : in) {
    int d = -1;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '-')
      d = 62;
    else if (c == '_')
      d = 63;
    if (d < 0) {
      ok = false;
      return {};
    }
    value = (value << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xFFu));
    }
  }
  return out;
}

jwt_alg_t ToJwtAlg(Alg alg) {
  switch (alg) {
    case Alg::kNone:
      return JWT_ALG_NONE;
    case Alg::kHS256:
      return JWT_ALG_HS256;
    case Alg::kHS384:
      return JWT_ALG_HS384;
    case Alg::kHS512:
      return JWT_ALG_HS512;
  }
  return JWT_ALG_NONE;
}

}  // namespace

TokenParts InspectToken(const std::string& token) {
  TokenParts parts;
  for (char c : token) parts.dots += c == '.' ? 1 : 0;
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos) return parts;
  bool ok_header = false;
  bool ok_payload = false;
  const std::string header = Base64UrlDecode(token.substr(0, first), ok_header);
  const std::string payload =
      Base64UrlDecode(token.substr(first + 1, second - first - 1), ok_payload);
  if (ok_header) parts.header = Json::parse(header);
  if (ok_payload) parts.payload = Json::parse(payload);
  return parts;
}

bool VerifiesHs256(const std::string& token, const std::string& secret) {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 0) {
    return false;
  }
  JwtPtr jwt(raw, jwt_free);
  return jwt_get_alg(jwt.get()) == JWT_ALG_HS256;
}

std::string ForgeToken(const Json& claims, Alg alg, const std::string& key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr jwt(raw, jwt_free);
  if (jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0) {
    throw std::runtime_error("jwt_add_grants_json failed for " + claims.dump());
  }
  const bool keyed = alg != Alg::kNone;
  if (jwt_set_alg(jwt.get(), ToJwtAlg(alg),
                  keyed ? reinterpret_cast<const unsigned char*>(key.data()) : nullptr,
                  keyed ? static_cast<int>(key.size()) : 0) != 0) {
    throw std::runtime_error("jwt_set_alg failed");
  }
  char* text = jwt_encode_str(jwt.get());
  if (text == nullptr) throw std::runtime_error("jwt_encode_str failed");
  std::string out = text;
  free(text);  // NOLINT(cppcoreguidelines-no-malloc): libjwt allocates with malloc
  return out;
}

Json Claims(std::int64_t user_id, long iat_offset, long exp_offset) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  return Json::object()
      .set("sub", std::to_string(user_id))
      .set("iat", Json(now + iat_offset))
      .set("exp", Json(now + exp_offset));
}

}  // namespace seats_test
