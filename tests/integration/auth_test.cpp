// Accounts and tokens: POST /register, POST /login, and what a protected endpoint does with
// every kind of bad token (API.md "Accounts", "General").
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/parallel.hpp"
#include "support/timeutil.hpp"
#include "support/token.hpp"

namespace seats_test {
namespace {

constexpr const char* kGoodPassword = "correct horse battery";
// A route that needs a token and changes nothing: the token probe.
constexpr const char* kProbe = "/api/v1/bookings";

Json RegisterBody(const std::string& email, const std::string& password, const std::string& name) {
  return Json::object().set("email", email).set("password", password).set("name", name);
}

Json LoginBody(const std::string& email, const std::string& password) {
  return Json::object().set("email", email).set("password", password);
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string Repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

std::int64_t NowSeconds() { return UnixSeconds(SystemNow()); }

class Register : public ApiTest {};
class Login : public ApiTest {};
class Tokens : public ApiTest {
 protected:
  // The probe answered 401 unauthorized to this Authorization header value.
  ::testing::AssertionResult Rejects(const std::string& authorization) {
    const Response r = client.get(kProbe, Request().Header("Authorization: " + authorization));
    return IsProblem(r, 401, "unauthorized");
  }
  ::testing::AssertionResult RejectsToken(const std::string& token) {
    return Rejects("Bearer " + token);
  }
  const std::string& Secret() {
    const std::string& s = settings().jwt_secret;
    if (s.empty()) throw std::runtime_error("JWT_SECRET is not set (source the stack's stack.env)");
    return s;
  }
};

// ---- register ----

TEST_F(Register, ReturnsCreatedUserWithIdNameAndEmail) {
  const std::string email = UniqueEmail("reg");
  const Response r = PostRegister(RegisterBody(email, kGoodPassword, "Ada Lovelace"));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_TRUE(HasExactKeys(r.json, {"user"}));
  const Json user = r.json["user"];
  EXPECT_TRUE(HasExactKeys(user, {"id", "name", "email"}));
  ASSERT_TRUE(user["id"].is_integer()) << r.describe();
  EXPECT_GT(user["id"].integer(), 0);
  EXPECT_EQ(user["name"].string(), "Ada Lovelace");
  EXPECT_EQ(user["email"].string(), email);
  const auto row =
      db().rows("SELECT email, name FROM users WHERE id = " + Str(user["id"].integer()));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0][0].value_or(""), email);
  EXPECT_EQ(row[0][1].value_or(""), "Ada Lovelace");
}

TEST_F(Register, TrimsAndLowerCasesTheEmail) {
  const std::string email = UniqueEmail("trim.case");
  const Response r = PostRegister(RegisterBody(" \t" + Upper(email) + "  ", kGoodPassword, "Ada"));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(r.json["user"]["email"].string(), email) << r.describe();
  EXPECT_EQ(db().value("SELECT email FROM users WHERE id = " + Str(r.json["user"]["id"].integer()))
                .value_or(""),
            email);
  EXPECT_TRUE(IsJson(PostLogin(LoginBody(email, kGoodPassword)), 200));
}

TEST_F(Register, TrimsTheName) {
  const Response r = PostRegister(RegisterBody(UniqueEmail("name"), kGoodPassword, "  Ada L.  "));
  ASSERT_TRUE(IsJson(r, 201));
  EXPECT_EQ(r.json["user"]["name"].string(), "Ada L.") << r.describe();
}

TEST_F(Register, TakenEmailIs409EmailTaken) {
  const std::string email = UniqueEmail("taken");
  ASSERT_TRUE(IsJson(PostRegister(RegisterBody(email, kGoodPassword, "First")), 201));
  EXPECT_TRUE(IsProblem(PostRegister(RegisterBody(email, "another password", "Second")), 409,
                        "email_taken"));
  EXPECT_TRUE(IsProblem(PostRegister(RegisterBody(" " + Upper(email), kGoodPassword, "Third")), 409,
                        "email_taken"));
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM users WHERE LOWER(email) = '" + email + "'"), 1);
}

TEST_F(Register, PasswordMustBeEightToSeventyTwoBytes) {
  const std::string e_acute = "\xC3\xA9";  // two bytes, one character
  struct Case {
    std::string password;
    bool accepted;
  };
  const Case cases[] = {
      {"", false},
      {Repeat("a", 7), false},
      {Repeat("a", 8), true},
      {Repeat("a", 72), true},
      {Repeat("a", 73), false},
      {Repeat(e_acute, 3), false},        // 3 characters, 6 bytes
      {Repeat(e_acute, 4), true},         // 4 characters, 8 bytes
      {Repeat(e_acute, 36), true},        // 36 characters, 72 bytes
      {Repeat(e_acute, 36) + "a", false}  // 37 characters, 73 bytes
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("password of " + std::to_string(c.password.size()) + " bytes");
    const Response r = PostRegister(RegisterBody(UniqueEmail("pw"), c.password, "Pat"));
    if (c.accepted) {
      EXPECT_TRUE(IsJson(r, 201));
    } else {
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
      EXPECT_TRUE(DetailMentions(r, "password"));
    }
  }
}

TEST_F(Register, SeventyTwoBytePasswordIsCheckedInFullAtLogin) {
  const std::string email = UniqueEmail("pw72");
  const std::string password = Repeat("p", 71) + "Q";
  ASSERT_TRUE(IsJson(PostRegister(RegisterBody(email, password, "Pat")), 201));
  EXPECT_TRUE(IsJson(PostLogin(LoginBody(email, password)), 200));
  EXPECT_TRUE(IsProblem(PostLogin(LoginBody(email, Repeat("p", 72))), 401, "invalid_credentials"));
}

TEST_F(Register, PasswordIsNeverTrimmed) {
  const std::string email = UniqueEmail("pwspace");
  ASSERT_TRUE(IsJson(PostRegister(RegisterBody(email, "  spaced secret  ", "Pat")), 201));
  EXPECT_TRUE(IsProblem(PostLogin(LoginBody(email, "spaced secret")), 401, "invalid_credentials"));
  EXPECT_TRUE(IsJson(PostLogin(LoginBody(email, "  spaced secret  ")), 200));
}

TEST_F(Register, NameMustBeOneToHundredCodePointsAfterTrimming) {
  const std::string e_acute = "\xC3\xA9";
  const std::string grin = "\xF0\x9F\x98\x80";  // U+1F600, four bytes
  struct Case {
    std::string name;
    bool accepted;
    std::string label;
  };
  const Case cases[] = {
      {"", false, "empty"},
      {"   ", false, "only spaces"},
      {"A", true, "one letter"},
      {Repeat("n", 100), true, "100 ASCII"},
      {"  " + Repeat("n", 100) + "  ", true, "100 ASCII inside spaces"},
      {Repeat("n", 101), false, "101 ASCII"},
      {Repeat(e_acute, 100), true, "100 two-byte characters"},
      {Repeat(e_acute, 101), false, "101 two-byte characters"},
      {Repeat(grin, 100), true, "100 four-byte characters"},
      {Repeat(grin, 101), false, "101 four-byte characters"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("name: " + c.label);
    const Response r = PostRegister(RegisterBody(UniqueEmail("nm"), kGoodPassword, c.name));
    if (c.accepted) {
      ASSERT_TRUE(IsJson(r, 201));
      std::string trimmed = c.name;
      trimmed.erase(0, trimmed.find_first_not_of(' '));
      trimmed.erase(trimmed.find_last_not_of(' ') + 1);
      EXPECT_EQ(r.json["user"]["name"].string(), trimmed);
      EXPECT_EQ(
          db().value("SELECT name FROM users WHERE id = " + Str(r.json["user"]["id"].integer()))
              .value_or(""),
          trimmed);
    } else {
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
      EXPECT_TRUE(DetailMentions(r, "name"));
    }
  }
}

TEST_F(Register, EmailMustBeLocalAtDomainWithoutSpaces) {
  const std::string u = UniqueEmail("bad");
  const std::string local = u.substr(0, u.find('@'));
  const std::string bad[] = {"",
                             local,
                             local + "@",
                             "@example.com",
                             local + " x@example.com",
                             local + "@exa mple.com",
                             local + "@@example.com"};
  for (const auto& email : bad) {
    SCOPED_TRACE("email: \"" + email + "\"");
    const Response r = PostRegister(RegisterBody(email, kGoodPassword, "Pat"));
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, "email"));
  }
}

TEST_F(Register, EmailMayBe254BytesButNotMore) {
  // local part (64 bytes) @ labels of at most 63 bytes.
  const std::string u = UniqueEmail("len");
  std::string local = u.substr(0, u.find('@'));
  local += Repeat("x", 64 - static_cast<int>(local.size()));
  const std::string domain254 =
      Repeat("d", 63) + "." + Repeat("e", 63) + "." + Repeat("f", 57) + ".com";
  const std::string email254 = local + "@" + domain254;
  ASSERT_EQ(email254.size(), 254u);
  EXPECT_TRUE(IsJson(PostRegister(RegisterBody(email254, kGoodPassword, "Pat")), 201));

  std::string local2 = "z" + local.substr(1);
  const std::string email255 =
      local2 + "@" + Repeat("d", 63) + "." + Repeat("e", 63) + "." + Repeat("f", 58) + ".com";
  ASSERT_EQ(email255.size(), 255u);
  const Response r = PostRegister(RegisterBody(email255, kGoodPassword, "Pat"));
  EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(r, "email"));
}

TEST_F(Register, MissingFieldIs422NamingIt) {
  for (const std::string field : {"email", "password", "name"}) {
    SCOPED_TRACE("without " + field);
    Json body = Json::object();
    if (field != "email") body.set("email", UniqueEmail("miss"));
    if (field != "password") body.set("password", kGoodPassword);
    if (field != "name") body.set("name", "Pat");
    const Response r = PostRegister(body);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, field));
  }
}

TEST_F(Register, WrongTypeIs422NamingTheField) {
  struct Case {
    std::string field;
    Json value;
  };
  const Case cases[] = {
      {"email", Json(5)},          {"email", Json::null()},       {"password", Json(12345678)},
      {"password", Json::array()}, {"name", Json::boolean(true)}, {"name", Json::null()},
      {"name", Json::object()}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field + " = " + c.value.dump());
    Json body = RegisterBody(UniqueEmail("type"), kGoodPassword, "Pat");
    body.set(c.field, c.value);
    const Response r = PostRegister(body);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, c.field));
  }
}

TEST_F(Register, NulInAStringIs422NamingTheField) {
  const std::string email = UniqueEmail("nul");
  const std::string cases[][2] = {
      {"name",
       R"({"email":")" + email + R"(","password":"correct horse","name":"Ada\u0000Lovelace"})"},
      {"password", R"({"email":")" + email + R"(","password":"correct\u0000horse","name":"Ada"})"},
      {"email", R"({"email":"nul\u0000)" + email + R"(","password":"correct horse","name":"Ada"})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("NUL in " + c[0]);
    const Response r = PostRegisterRaw(c[1]);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, c[0]));
  }
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM users WHERE email LIKE '%" + email + "'"), 0);
}

TEST_F(Register, StoresOnlyABcrypt2bHash) {
  const std::string email = UniqueEmail("hash");
  const Response r = PostRegister(RegisterBody(email, kGoodPassword, "Pat"));
  ASSERT_TRUE(IsJson(r, 201));
  const std::string hash = db().value("SELECT password_hash FROM users WHERE id = " +
                                      Str(r.json["user"]["id"].integer()))
                               .value_or("");
  EXPECT_EQ(hash.rfind("$2b$", 0), 0u) << "stored hash: " << hash;
  EXPECT_EQ(hash.size(), 60u) << "stored hash: " << hash;
  EXPECT_EQ(hash.find(kGoodPassword), std::string::npos);
}

TEST_F(Register, BodyThatIsNotAJsonObjectIs400InvalidJson) {
  for (const std::string body : {"not json", "{\"email\":", "[]", "\"text\"", "42"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsProblem(PostRegisterRaw(body), 400, "invalid_json"));
  }
}

// ---- login ----

TEST_F(Login, ReturnsAnHs256TokenWithStringSubAndIntegerTimes) {
  const User u = RegisterUser("login");
  const Response r = PostLogin(LoginBody(u.email, u.password));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_TRUE(HasExactKeys(r.json, {"token", "expires_at", "user"}));
  EXPECT_TRUE(HasExactKeys(r.json["user"], {"id", "name", "role"}));
  EXPECT_EQ(r.json["user"]["id"].integer(), u.id);
  EXPECT_EQ(r.json["user"]["name"].string(), u.name);
  const std::string expires_at = r.json["expires_at"].string();
  ASSERT_TRUE(IsRfc3339Utc(expires_at)) << expires_at;

  const std::string token = r.json["token"].string();
  const TokenParts parts = InspectToken(token);
  EXPECT_EQ(parts.dots, 2) << token;
  EXPECT_EQ(parts.header["alg"].string(), "HS256") << parts.header.dump();
  ASSERT_TRUE(parts.payload.is_object()) << token;
  EXPECT_TRUE(parts.payload["sub"].is_string()) << parts.payload.dump();
  EXPECT_EQ(parts.payload["sub"].string(), Str(u.id));
  ASSERT_TRUE(parts.payload["iat"].is_integer()) << parts.payload.dump();
  ASSERT_TRUE(parts.payload["exp"].is_integer()) << parts.payload.dump();
  const std::int64_t iat = parts.payload["iat"].integer();
  const std::int64_t exp = parts.payload["exp"].integer();
  EXPECT_LE(std::llabs(iat - NowSeconds()), 60) << "iat far from now";
  EXPECT_EQ(exp - iat, settings().token_ttl_seconds) << "TOKEN_TTL_SECONDS";
  EXPECT_LE(
      std::fabs(static_cast<double>(exp) - static_cast<double>(UnixSeconds(ParseTime(expires_at)))),
      1.0)
      << "expires_at " << expires_at << " vs exp " << exp;
  if (!settings().jwt_secret.empty()) {
    EXPECT_TRUE(VerifiesHs256(token, settings().jwt_secret)) << "not signed with JWT_SECRET";
  }
  EXPECT_TRUE(IsJson(client.get(kProbe, Auth(token)), 200));
}

TEST_F(Login, DemoUserAlexCanLogIn) {
  const Response r = PostLogin(LoginBody(kDemoEmail, kDemoPassword));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json["user"]["name"].string(), "Alex Smith");
}

TEST_F(Login, AnswerCarriesTheRoleAndRegisterMakesCustomers) {
  const User u = RegisterUser("login.role");
  const Response r = PostLogin(LoginBody(u.email, u.password));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json["user"]["role"].string(), "customer");
  EXPECT_EQ(db().value("SELECT role FROM users WHERE id = " + Str(u.id)).value_or(""), "customer");
}

TEST_F(Login, EmailIsMatchedAsRegisteredWhateverItsCaseAndSpaces) {
  const User u = RegisterUser("login.case");
  const Response r = PostLogin(LoginBody("  " + Upper(u.email) + " ", u.password));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_EQ(r.json["user"]["id"].integer(), u.id);
}

TEST_F(Login, WrongPasswordAndUnknownEmailGetTheSame401) {
  const User u = RegisterUser("login.bad");
  const Response wrong = PostLogin(LoginBody(u.email, u.password + "x"));
  const Response unknown = PostLogin(LoginBody(UniqueEmail("nobody"), u.password));
  EXPECT_TRUE(IsProblem(wrong, 401, "invalid_credentials"));
  EXPECT_TRUE(IsProblem(unknown, 401, "invalid_credentials"));
  EXPECT_EQ(wrong.json["detail"].string(), unknown.json["detail"].string())
      << "the two failures must not be told apart";
}

TEST_F(Login, MissingOrMistypedFieldIs422) {
  const Response no_password = PostLogin(Json::object().set("email", "alex@example.com"));
  EXPECT_TRUE(IsProblem(no_password, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(no_password, "password"));
  const Response number_email =
      PostLogin(Json::object().set("email", Json(7)).set("password", kGoodPassword));
  EXPECT_TRUE(IsProblem(number_email, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(number_email, "email"));
}

// ---- login throttling per account (API.md Part 2) ----

class LoginThrottle : public ApiTest {
 protected:
  void SetUp() override {
    if (settings().login_failures == 0) GTEST_SKIP() << "LOGIN_FAILURES=0: the throttle is off";
  }
  static int Limit() { return settings().login_failures; }
  // The Retry-After of a 429, in seconds (0 when it is missing or not a number).
  static long RetryAfter(const Response& r) {
    const std::string v = r.header("retry-after");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return 0;
    return std::stol(v);
  }
  ::testing::AssertionResult Throttled(const Response& r) {
    ::testing::AssertionResult problem = IsProblem(r, 429, "too_many_requests");
    if (!problem) return problem;
    long after = RetryAfter(r);
    if (after < 1 || after > 15 * 60) {
      return ::testing::AssertionFailure()
             << "Retry-After must be 1..900 s, got '" << r.header("retry-after") << "'";
    }
    return ::testing::AssertionSuccess();
  }
};

TEST_F(LoginThrottle, AnAccountIsThrottledAfterItsFailuresEvenForTheRightPassword) {
  const User u = RegisterUser("throttle.account");
  for (int i = 0; i < Limit(); ++i) {
    SCOPED_TRACE("failure " + std::to_string(i + 1));
    ASSERT_TRUE(
        IsProblem(PostLogin(LoginBody(u.email, "wrong password")), 401, "invalid_credentials"));
  }
  // Every PostLogin comes from a new address: the count is per e-mail, not per address.
  EXPECT_TRUE(Throttled(PostLogin(LoginBody(u.email, "wrong password"))));
  EXPECT_TRUE(Throttled(PostLogin(LoginBody(u.email, u.password))))
      << "a throttled e-mail is refused before the password is looked at";
  EXPECT_TRUE(Throttled(PostLogin(LoginBody("  " + Upper(u.email) + " ", u.password))))
      << "the e-mail is counted as normalised, whatever its case and spaces";
}

TEST_F(LoginThrottle, AnUnknownEmailIsThrottledTheSameWay) {
  const std::string nobody = UniqueEmail("throttle.nobody");
  const User u = RegisterUser("throttle.known");
  Response unknown_last, known_last;
  for (int i = 0; i <= Limit(); ++i) {
    unknown_last = PostLogin(LoginBody(nobody, "wrong password"));
    known_last = PostLogin(LoginBody(u.email, "wrong password"));
  }
  EXPECT_TRUE(Throttled(unknown_last));
  EXPECT_TRUE(Throttled(known_last));
  EXPECT_EQ(unknown_last.json["detail"].string(), known_last.json["detail"].string())
      << "a 429 must not tell whether the account exists";
}

TEST_F(LoginThrottle, SuccessfulLoginsAreNeverCounted) {
  const User u = RegisterUser("throttle.success");
  for (int i = 0; i < 2 * Limit(); ++i) {
    ASSERT_TRUE(IsJson(PostLogin(LoginBody(u.email, u.password)), 200)) << "login " << i + 1;
  }
  for (int i = 0; i < Limit() - 1; ++i) {
    ASSERT_TRUE(
        IsProblem(PostLogin(LoginBody(u.email, "wrong password")), 401, "invalid_credentials"));
  }
  EXPECT_TRUE(IsJson(PostLogin(LoginBody(u.email, u.password)), 200))
      << "one failure short of the limit, the right password still logs in";
  EXPECT_TRUE(IsJson(PostLogin(LoginBody(u.email, u.password)), 200));
}

TEST_F(LoginThrottle, AStormFromManyAddressesCannotBypassIt) {
  const User u = RegisterUser("throttle.storm");
  const int attempts = 4 * Limit() + 8;
  const std::vector<Response> answers = RunTogether(
      attempts, [&](int, Client&) { return PostLogin(LoginBody(u.email, "wrong password")); });
  int refused = 0, throttled = 0;
  for (const Response& r : answers) {
    if (IsProblem(r, 401, "invalid_credentials")) {
      ++refused;
    } else {
      EXPECT_TRUE(Throttled(r)) << r.describe();
      ++throttled;
    }
  }
  // Attempts that pass the check together may each count: at most one per login worker
  // beyond the limit.
  EXPECT_GE(refused, Limit());
  EXPECT_LE(refused, Limit() + settings().login_workers) << "failures that got a 401";
  EXPECT_EQ(refused + throttled, attempts);
  EXPECT_TRUE(Throttled(PostLogin(LoginBody(u.email, u.password))));
  EXPECT_GE(db().integer("SELECT COUNT(*) FROM login_failures "
                         "WHERE email_digest = UNHEX(SHA2('" +
                         u.email + "', 256))"),
            Limit());
}

// ---- tokens ----

TEST_F(Tokens, TokenFromLoginIsAccepted) {
  const User u = RegisterUser("tok.ok");
  const Response r = client.get(kProbe, Auth(u.token));
  ASSERT_TRUE(IsJson(r, 200));
  EXPECT_TRUE(r.json.is_array());
}

// The forging below is only meaningful if a correctly forged token is accepted.
TEST_F(Tokens, Hs256TokenSignedWithTheServerSecretIsAccepted) {
  const User u = RegisterUser("tok.forged");
  const std::string token = ForgeToken(Claims(u.id, 0, 600), Alg::kHS256, Secret());
  EXPECT_TRUE(IsJson(client.get(kProbe, Auth(token)), 200));
}

TEST_F(Tokens, MissingTokenIsRejected) {
  EXPECT_TRUE(IsProblem(client.get(kProbe), 401, "unauthorized"));
}

TEST_F(Tokens, MalformedAuthorizationIsRejected) {
  const User u = RegisterUser("tok.malformed");
  for (const std::string& value :
       {std::string("Bearer"), std::string("Bearer "), std::string("Bearer abc"),
        std::string("Bearer a.b.c"), std::string("Bearer ..."), std::string("Basic dXNlcjpwYXNz"),
        u.token, "Bearer " + u.token + "x", "Bearer " + u.token + ".extra",
        "Bearer " + u.token.substr(0, u.token.size() - 5)}) {
    SCOPED_TRACE("Authorization: " + value);
    EXPECT_TRUE(Rejects(value));
  }
}

TEST_F(Tokens, TamperedPayloadIsRejected) {
  const User victim = RegisterUser("tok.victim");
  const User attacker = RegisterUser("tok.attacker");
  // attacker's header and signature around a payload that claims to be the victim.
  const std::string other =
      ForgeToken(Claims(victim.id, 0, 600), Alg::kHS256, "some other secret that is long enough!!");
  const auto a1 = attacker.token.find('.');
  const auto a2 = attacker.token.find('.', a1 + 1);
  const auto o1 = other.find('.');
  const auto o2 = other.find('.', o1 + 1);
  const std::string spliced = attacker.token.substr(0, a1 + 1) + other.substr(o1 + 1, o2 - o1 - 1) +
                              attacker.token.substr(a2);
  EXPECT_TRUE(RejectsToken(spliced));
}

TEST_F(Tokens, TokenSignedWithAnotherSecretIsRejected) {
  const User u = RegisterUser("tok.secret");
  EXPECT_TRUE(RejectsToken(
      ForgeToken(Claims(u.id, 0, 600), Alg::kHS256, "not the server secret, 32+ bytes long")));
  EXPECT_TRUE(RejectsToken(ForgeToken(Claims(u.id, 0, 600), Alg::kHS256, "short")));
}

TEST_F(Tokens, AlgNoneTokenIsRejected) {
  const User u = RegisterUser("tok.none");
  const std::string none = ForgeToken(Claims(u.id, 0, 600), Alg::kNone, "");
  EXPECT_TRUE(RejectsToken(none));
  ASSERT_FALSE(none.empty());
  if (none.back() == '.') {
    EXPECT_TRUE(RejectsToken(none.substr(0, none.size() - 1)));
  }
  // alg none with the signature of a real token attached.
  EXPECT_TRUE(RejectsToken(none + u.token.substr(u.token.rfind('.') + 1)));
}

TEST_F(Tokens, Hs384AndHs512TokensSignedWithTheServerSecretAreRejected) {
  const User u = RegisterUser("tok.alg");
  EXPECT_TRUE(RejectsToken(ForgeToken(Claims(u.id, 0, 600), Alg::kHS384, Secret())));
  EXPECT_TRUE(RejectsToken(ForgeToken(Claims(u.id, 0, 600), Alg::kHS512, Secret())));
}

TEST_F(Tokens, ExpiredTokenIsRejected) {
  const User u = RegisterUser("tok.expired");
  EXPECT_TRUE(RejectsToken(ForgeToken(Claims(u.id, -7200, -5), Alg::kHS256, Secret())));
}

TEST_F(Tokens, TokenWithoutAnIntegerExpIsRejected) {
  const User u = RegisterUser("tok.exp");
  const std::int64_t now = NowSeconds();
  const Json no_exp = Json::object().set("sub", Str(u.id)).set("iat", Json(now));
  EXPECT_TRUE(RejectsToken(ForgeToken(no_exp, Alg::kHS256, Secret())));
  const Json string_exp =
      Json::object().set("sub", Str(u.id)).set("iat", Json(now)).set("exp", Str(now + 600));
  EXPECT_TRUE(RejectsToken(ForgeToken(string_exp, Alg::kHS256, Secret())));
}

TEST_F(Tokens, TokenOfAUserWhoIsGoneIsRejected) {
  const User u = RegisterUser("tok.gone");
  ASSERT_TRUE(IsJson(client.get(kProbe, Auth(u.token)), 200));
  db().exec("DELETE FROM users WHERE id = " + Str(u.id));
  EXPECT_TRUE(RejectsToken(u.token));

  const std::int64_t never = db().integer("SELECT COALESCE(MAX(id), 0) + 1000000 FROM users");
  EXPECT_TRUE(RejectsToken(ForgeToken(Claims(never, 0, 600), Alg::kHS256, Secret())));
}

// Holds and releases check the user inside their own transaction rather than up front;
// a gone user must still hear 401 first, whatever the body or the seat. The seat is one of
// the started demo show's: had the user been accepted, no answer here would be a 401.
TEST_F(Tokens, HoldsAndReleasesOfAUserWhoIsGoneAre401WhateverTheBodyOrSeat) {
  const User u = RegisterUser("tok.gone.hold");
  const std::int64_t seat = db().integer("SELECT MIN(id) FROM show_seats WHERE show_id = 100");
  const std::int64_t no_seat = db().integer("SELECT MAX(id) + 1000000 FROM show_seats");
  const std::string state_sql =
      "SELECT CONCAT_WS('/', status, COALESCE(user_id, '-')) FROM show_seats WHERE id = " +
      Str(seat);
  const auto before = db().value(state_sql);
  db().exec("DELETE FROM users WHERE id = " + Str(u.id));
  const Request bearer = Auth(u.token);
  EXPECT_TRUE(IsProblem(client.patch(SeatLockPath(seat), bearer), 401, "unauthorized"));
  EXPECT_TRUE(
      IsProblem(client.post(SeatLockPath(seat), RawBody("{", u.token)), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(
      client.patch(SeatLockPath(seat), JsonBody(Json::object().set("status", "NOPE"), u.token)),
      401, "unauthorized"));
  EXPECT_TRUE(IsProblem(
      client.post(SeatLockPath(seat), JsonBody(Json::object().set("status", "AVAILABLE"), u.token)),
      401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.del(SeatLockPath(seat), bearer), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.del(SeatLockPath(no_seat), bearer), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.patch(SeatLockPath(no_seat), bearer), 401, "unauthorized"));
  EXPECT_EQ(db().value(state_sql), before);
}

TEST_F(Tokens, EveryProtectedRouteChecksTheTokenBeforeTheBody) {
  const std::string bad = "Bearer not-a-token";
  const Request req = RawBody("{").Header("Authorization: " + bad);
  EXPECT_TRUE(IsProblem(client.post(kBookingsPath, req), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.patch(SeatLockPath(1), req), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.post(SeatLockPath(1), req), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(client.del(SeatLockPath(1), Request().Header("Authorization: " + bad)), 401,
                        "unauthorized"));
  EXPECT_TRUE(IsProblem(client.del(BookingPath(1), Request().Header("Authorization: " + bad)), 401,
                        "unauthorized"));
}

}  // namespace
}  // namespace seats_test
