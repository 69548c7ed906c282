#include "auth/token.hpp"

#include <jansson.h>
#include <jwt.h>

#include <cctype>
#include <memory>

#include "http/json.hpp"
#include "http/router.hpp"

namespace seats {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

// A JWT is three base64url parts; anything else (or something huge) is not worth decoding.
constexpr size_t kMaxTokenBytes = 4096;
// About 300 KiB of tokens per worker: far more clients than one worker serves in a minute.
constexpr size_t kMaxVerifiedTokens = 1024;

}  // namespace

TokenService::TokenService(std::string secret, int ttl_seconds)
    : secret_(std::move(secret)), ttl_seconds_(ttl_seconds) {}

IssuedToken TokenService::issue(int64_t user_id, std::time_t now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  JwtPtr jwt(raw);
  std::time_t exp = now + ttl_seconds_;
  std::string sub = std::to_string(user_id);
  if (jwt_add_grant(jwt.get(), "sub", sub.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now)) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(exp)) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                  static_cast<int>(secret_.size())) != 0) {
    throw std::runtime_error("building the JWT failed");
  }
  CString token(jwt_encode_str(jwt.get()));
  if (!token) throw std::runtime_error("jwt_encode_str failed");
  return {token.get(), exp};
}

std::optional<int64_t> TokenService::verify(std::string_view token, std::time_t now) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  std::string text(token);
  if (auto known = verified_.find(text); known != verified_.end()) {
    if (known->second.expires_at > now) return known->second.user_id;
    verified_.erase(known);
    return std::nullopt;
  }
  std::optional<Verified> verified = check_signature_and_claims(text, now);
  if (!verified) return std::nullopt;
  if (verified_.size() >= kMaxVerifiedTokens) verified_.clear();
  verified_.emplace(std::move(text), *verified);
  return verified->user_id;
}

std::optional<TokenService::Verified> TokenService::check_signature_and_claims(
    const std::string& text, std::time_t now) const {
  jwt_t* raw = nullptr;
  // The key is always passed: without one libjwt would accept alg "none".
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                 static_cast<int>(secret_.size())) != 0) {
    return std::nullopt;
  }
  JwtPtr jwt(raw);
  // libjwt verifies an HS384/HS512 token signed with our secret just as happily.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return std::nullopt;

  // Claim types are read with jansson: jwt_get_grant_int reports 0 for a string claim.
  CString claims_text(jwt_get_grants_json(jwt.get(), nullptr));
  if (!claims_text) return std::nullopt;
  Json claims(json_loads(claims_text.get(), 0, nullptr));
  if (!claims || !json_is_object(claims.get())) return std::nullopt;
  const json_t* exp = json_object_get(claims.get(), "exp");
  if (!json_is_integer(exp) || json_integer_value(exp) <= now) return std::nullopt;
  const json_t* sub = json_object_get(claims.get(), "sub");
  if (!json_is_string(sub)) return std::nullopt;
  std::optional<int64_t> user_id = parse_path_id(json_string_value(sub));
  if (!user_id) return std::nullopt;
  return Verified{*user_id, static_cast<std::time_t>(json_integer_value(exp))};
}

std::optional<int64_t> TokenService::verify_header(std::string_view header, std::time_t now) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  // The scheme name is case-insensitive (RFC 9110).
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  header.remove_prefix(kScheme.size());
  return verify(header, now);
}

}  // namespace seats
