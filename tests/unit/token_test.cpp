#include "auth/token.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <string>

namespace seats {
namespace {

const std::string kSecret = "unit-test-secret-of-at-least-32-bytes!!";
constexpr std::time_t kNow = 1'700'000'000;

// Signs arbitrary claims with an arbitrary algorithm, as an attacker (or a buggy peer) would.
std::string forge(const char* claims, jwt_alg_t alg, const std::string& key) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(jwt, claims);
  jwt_set_alg(jwt, alg,
              alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size()));
  char* text = jwt_encode_str(jwt);
  std::string token = text ? text : "";
  free(text);
  jwt_free(jwt);
  return token;
}

TEST(Token, IssuedTokenVerifiesToItsUser) {
  TokenService tokens(kSecret, 3600);
  IssuedToken issued = tokens.issue(42, kNow);
  EXPECT_EQ(issued.expires_at, kNow + 3600);
  EXPECT_EQ(tokens.verify(issued.token, kNow + 1), 42);
  EXPECT_EQ(tokens.verify_header("Bearer " + issued.token, kNow + 1), 42);
  EXPECT_EQ(tokens.verify_header("bearer " + issued.token, kNow + 1), 42);
}

TEST(Token, ExpiredTokenIsRejected) {
  TokenService tokens(kSecret, 60);
  IssuedToken issued = tokens.issue(42, kNow);
  EXPECT_FALSE(tokens.verify(issued.token, kNow + 60));
  EXPECT_FALSE(tokens.verify(issued.token, kNow + 61));
}

// verify() remembers tokens it has accepted; what it remembers must not outlive `exp` or
// vouch for any other text.
TEST(Token, AcceptedTokenIsStillRejectedOnceExpiredAndOnlyItsExactTextIsRemembered) {
  TokenService tokens(kSecret, 60);
  IssuedToken issued = tokens.issue(42, kNow);
  ASSERT_EQ(tokens.verify(issued.token, kNow + 1), 42);
  ASSERT_EQ(tokens.verify(issued.token, kNow + 2), 42);
  std::string tampered = issued.token;
  char& first_of_signature = tampered[tampered.rfind('.') + 1];
  first_of_signature = first_of_signature == 'A' ? 'B' : 'A';
  EXPECT_FALSE(tokens.verify(tampered, kNow + 2));
  EXPECT_FALSE(tokens.verify(issued.token + ".", kNow + 2));
  EXPECT_FALSE(tokens.verify(issued.token, kNow + 60));
  EXPECT_FALSE(tokens.verify(issued.token, kNow + 61));
  for (int user = 1; user <= 3000; ++user) {  // past the bound on remembered tokens
    ASSERT_EQ(tokens.verify(tokens.issue(user, kNow).token, kNow + 1), user);
  }
  EXPECT_EQ(tokens.verify(tokens.issue(7, kNow).token, kNow + 1), 7);
}

TEST(Token, AlgNoneTokenIsRejected) {
  TokenService tokens(kSecret, 60);
  EXPECT_FALSE(tokens.verify(forge(R"({"sub":"1","exp":1800000000})", JWT_ALG_NONE, ""), kNow));
}

TEST(Token, OtherHmacAlgorithmsWithOurSecretAreRejected) {
  TokenService tokens(kSecret, 60);
  for (jwt_alg_t alg : {JWT_ALG_HS384, JWT_ALG_HS512}) {
    EXPECT_FALSE(tokens.verify(forge(R"({"sub":"1","exp":1800000000})", alg, kSecret), kNow));
  }
  EXPECT_EQ(tokens.verify(forge(R"({"sub":"1","exp":1800000000})", JWT_ALG_HS256, kSecret), kNow),
            1);
}

TEST(Token, AnotherSecretIsRejected) {
  TokenService tokens(kSecret, 60);
  EXPECT_FALSE(
      tokens.verify(forge(R"({"sub":"1","exp":1800000000})", JWT_ALG_HS256, kSecret + "x"), kNow));
}

TEST(Token, TamperedPayloadIsRejected) {
  TokenService tokens(kSecret, 60);
  std::string token = tokens.issue(1, kNow).token;
  std::string other = tokens.issue(2, kNow).token;
  size_t a = token.find('.'), b = token.rfind('.');
  size_t oa = other.find('.'), ob = other.rfind('.');
  std::string spliced = token.substr(0, a) + other.substr(oa, ob - oa) + token.substr(b);
  EXPECT_FALSE(tokens.verify(spliced, kNow));
}

TEST(Token, ClaimsOfTheWrongTypeAreRejected) {
  TokenService tokens(kSecret, 60);
  for (const char* claims :
       {R"({"sub":"1","exp":"1800000000"})", R"({"sub":1,"exp":1800000000})", R"({"sub":"1"})",
        R"({"exp":1800000000})", R"({"sub":"01","exp":1800000000})",
        R"({"sub":"-1","exp":1800000000})"}) {
    EXPECT_FALSE(tokens.verify(forge(claims, JWT_ALG_HS256, kSecret), kNow)) << claims;
  }
}

TEST(Token, MalformedHeadersAreRejected) {
  TokenService tokens(kSecret, 60);
  std::string token = tokens.issue(1, kNow).token;
  for (std::string header : std::initializer_list<std::string>{
           "", std::string("Bearer"), std::string("Bearer "), "Basic " + token, token,
           "Bearer  " + token, "Bearer a.b.c", "Bearer " + std::string(5000, 'a')}) {
    EXPECT_FALSE(tokens.verify_header(header, kNow)) << header.substr(0, 40);
  }
}

}  // namespace
}  // namespace seats
