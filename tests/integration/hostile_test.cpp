// Hostile input in every field that takes input: SQL metacharacters, NUL bytes, invalid
// UTF-8, very long and oddly typed values, odd JSON, odd headers. Each is either stored
// exactly as sent (checked byte for byte in the database) or refused with a 4xx problem
// carrying its documented code; never a 5xx, never a login it should not give, and nothing
// else in the database changes (checked after every test).
//
// Bodies that would pass validation aim at the demo show that has already started, so a
// server that let a malformed id through answers 409 show_started instead of 422 and no seat
// of the future shows (which the other suites share out) is ever touched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <tuple>

#include "support/admin.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/raw_http.hpp"
#include "support/seat_pool.hpp"

namespace seats_test {
namespace {

using namespace std::string_literals;

constexpr const char* kPassword = "correct horse battery";
constexpr const char* kAlexEmail = kDemoEmail;
constexpr const char* kAlexPassword = kDemoPassword;
constexpr const char* kRegister = "/api/v1/register";
constexpr const char* kLogin = "/api/v1/login";
constexpr std::size_t kVeryLong = 10000;
// Past nginx's 8 KiB header line buffer, and 4 of those past its total.
constexpr std::size_t kOverHeaderLine = 9000;
constexpr std::size_t kUnderHeaderLine = 7000;

// Text an injection is built from. Each is also a valid name (1-100 code points, no control
// characters), so a correct server stores every one of them unchanged.
const std::vector<std::string>& Injections() {
  static const std::vector<std::string> v = {
      "O'Brien",
      "\"double\" quotes",
      "semi;colon",
      "dash -- comment",
      "back\\slash\\",
      "100% _wild_ card",
      "' OR 1=1 --",
      "' OR '1'='1",
      "'); DROP TABLE users; --",
      "\"; DELETE FROM users WHERE \"\"=\"",
      "`tick` /* c */ # hash",
      "\\'; SELECT SLEEP(5); --",
      "1' UNION SELECT password_hash FROM users --",
      "Zo\xC3\xAB \xF0\x9F\x8E\xAC \xE5\x90\x8D",
  };
  return v;
}

// The same for e-mail local parts: no spaces, and no upper case so that the stored
// (lower-cased) address is the text sent.
const std::vector<std::string>& EmailInjections() {
  static const std::vector<std::string> v = {
      "o'brien",     "\"quoted\"", "semi;colon",
      "x'--",        "'or'1'='1",  "');drop/**/table/**/users;--",
      "back\\slash", "100%_",      "`tick`#",
      "*",
  };
  return v;
}

// Ties this run's users together in the database: every address starts with it.
const std::string& Tag() {
  static const std::string tag =
      "hostile" + std::to_string(getpid()) + "t" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000007);
  return tag;
}

std::string TaggedEmail(const std::string& local_suffix = {}) {
  const std::string email = UniqueEmail(Tag());
  return email.substr(0, email.find('@')) + local_suffix + email.substr(email.find('@'));
}

// A JSON string literal for text (quotes and escapes added), NULs as \u0000.
std::string Quoted(const std::string& text) { return Json(text).dump(); }

// Users this process created: they must all still be there after every test.
std::mutex created_mutex;
std::vector<std::int64_t> created_ids;

void Remember(const Response& r) {
  if (r.status != 201 || !r.json["user"]["id"].is_integer()) return;
  std::lock_guard<std::mutex> lock(created_mutex);
  created_ids.push_back(r.json["user"]["id"].integer());
}

std::vector<std::int64_t> CreatedIds() {
  std::lock_guard<std::mutex> lock(created_mutex);
  return created_ids;
}

Response RegisterAs(const std::string& email, const std::string& password,
                    const std::string& name) {
  Response r =
      PostRegister(Json::object().set("email", email).set("password", password).set("name", name));
  Remember(r);
  return r;
}

Response RegisterRaw(const std::string& body) {
  Response r = PostRegisterRaw(body);
  Remember(r);
  return r;
}

Response LoginAs(const std::string& email, const std::string& password) {
  return PostLogin(Json::object().set("email", email).set("password", password));
}

Response LoginRaw(const std::string& body) {
  Client c;
  return c.post(kLogin, RawBody(body));
}

User NewUser() {
  User u = RegisterUser(Tag());
  std::lock_guard<std::mutex> lock(created_mutex);
  created_ids.push_back(u.id);
  return u;
}

// A refusal the contract leaves open between a few documented (status, code) pairs.
::testing::AssertionResult IsOneOf(const Response& r,
                                   std::initializer_list<std::pair<long, const char*>> allowed) {
  std::string want;
  for (const auto& [status, code] : allowed) {
    if (r.status == status) return IsProblem(r, status, code);
    want += " " + std::to_string(status) + " " + code;
  }
  return ::testing::AssertionFailure() << "expected one of" << want << "\n  " << r.describe();
}

::testing::AssertionResult IsInvalidJsonOrValidation(const Response& r) {
  return IsOneOf(r, {{400, "invalid_json"}, {422, "validation_failed"}});
}

// What no hostile request may change: the schema, the demo user, and the catalogue made
// around the admin API (the demo data), row by row. Rows the admin API made have their
// create entry in the audit trail: the admin suites make and change theirs while this runs,
// and this suite's own are counted by its tag (AdminTarget).
struct DataSnapshot {
  std::string tables;
  std::string alex;
  std::string movies;
  std::string theatres;
  std::string shows;
  std::int64_t seats = 0;
};

// "count:checksum" of the rows of `table` with no `action` entry in the audit trail.
std::string MadeAroundTheApi(Db& db, const std::string& table, const std::string& columns,
                             const std::string& action, const std::string& kind) {
  return db
      .value("SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(CONCAT_WS('|', " + columns +
             "))), 0)) FROM " + table + " x WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE " +
             "a.action = '" + action + "' AND a.target = CONCAT('" + kind + ":', x.id))")
      .value_or("");
}

DataSnapshot Snapshot(Db& db) {
  DataSnapshot s;
  s.tables = db.value(
                   "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM "
                   "information_schema.tables WHERE table_schema = DATABASE()")
                 .value_or("");
  s.alex = db.value(
                 "SELECT CONCAT_WS('|', id, email, password_hash, HEX(name), role) FROM users "
                 "WHERE email = 'alex@example.com'")
               .value_or("<missing>");
  s.movies =
      MadeAroundTheApi(db, "movies", "id, HEX(title), HEX(description), duration_mins, rating",
                       "movie.create", "movie");
  s.theatres = MadeAroundTheApi(
      db, "theatres",
      "id, HEX(name), HEX(location), timezone, (SELECT GROUP_CONCAT(position, row_name, seats) "
      "FROM theatre_rows r WHERE r.theatre_id = x.id)",
      "theatre.create", "theatre");
  s.shows = MadeAroundTheApi(db, "shows",
                             "id, movie_id, theatre_id, start_time, price_cents, on_sale_at, "
                             "queue_rate, status",
                             "show.create", "show");
  s.seats = db.integer(
      "SELECT COUNT(*) FROM show_seats ss WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
      "a.action = 'show.create' AND a.target = CONCAT('show:', ss.show_id))");
  return s;
}

const DataSnapshot& AtStart() {
  static const DataSnapshot s = [] {
    Db db;
    return Snapshot(db);
  }();
  return s;
}

// The started demo show and two of its seats: valid targets that can never change.
struct StartedTarget {
  std::int64_t show = 0;
  std::int64_t seat = 0;
  std::int64_t other_seat = 0;
};

const StartedTarget& Started() {
  static const StartedTarget t = [] {
    StartedTarget s;
    s.show = StartedShowId();
    Client c;
    const Response grid = c.get(ShowSeatsPath(s.show));
    if (grid.status != 200 || grid.json.size() < 2) {
      throw std::runtime_error("cannot read the started show's seats: " + grid.describe());
    }
    s.seat = grid.json.at(0)["id"].integer();
    s.other_seat = grid.json.at(1)["id"].integer();
    return s;
  }();
  return t;
}

// Path ids carrying SQL or control characters (errors_test covers the plain malformed ones).
const std::vector<std::string>& HostilePathIds() {
  static const std::vector<std::string> ids = {
      "1'",
      "1%27",
      "1%22",
      "1;",
      "1%3B",
      "1--",
      "1%20OR%201=1",
      "1%27%20OR%20%271%27=%271",
      "1)%3B%20DROP%20TABLE%20users%3B--",
      "1%5C",
      "%25",
      "1%25",
      "*",
      "1%0A",
      "1%0D%0A",
      "1%09",
      "1%20",
      "-9223372036854775808",
      "18446744073709551616",
      "1" + std::string(1000, '0'),
  };
  return ids;
}

class Hostile : public ApiTest {
 protected:
  void SetUp() override { AtStart(); }

  void TearDown() override {
    ApiTest::TearDown();
    const DataSnapshot now = Snapshot(db());
    const DataSnapshot& then = AtStart();
    EXPECT_EQ(now.tables, then.tables) << "the set of tables changed";
    EXPECT_EQ(now.alex, then.alex) << "the demo user's row changed";
    EXPECT_EQ(now.movies, then.movies) << "movies made around the admin API (count:checksum)";
    EXPECT_EQ(now.theatres, then.theatres);
    EXPECT_EQ(now.shows, then.shows);
    EXPECT_EQ(now.seats, then.seats);
    const auto ids = CreatedIds();
    EXPECT_EQ(db().integer("SELECT COUNT(*) FROM users WHERE id IN (" + IdList(ids) + ")"),
              static_cast<std::int64_t>(ids.size()))
        << "a user this suite created is gone";
    Client fresh;
    EXPECT_TRUE(IsJson(fresh.get("/api/v1/health"), 200)) << "the service did not survive";
  }

  std::int64_t TaggedUsers() {
    return db().integer("SELECT COUNT(*) FROM users WHERE email LIKE '" + Tag() + ".%'");
  }
  std::int64_t UsersWithEmail(const std::string& email) {
    return db().integer("SELECT COUNT(*) FROM users WHERE HEX(email) = '" + Hex(email) + "'");
  }
  std::int64_t BookingsOf(const User& u) {
    return db().integer("SELECT COUNT(*) FROM bookings WHERE user_id = " + Str(u.id));
  }
  std::int64_t KeysOf(const User& u) {
    return db().integer("SELECT COUNT(*) FROM idempotency_keys WHERE user_id = " + Str(u.id));
  }
  std::string SeatState(std::int64_t seat) {
    return db()
        .value(
            "SELECT CONCAT_WS('|', status, IFNULL(user_id, '-'), IFNULL(hold_expires_at, '-')) "
            "FROM show_seats WHERE id = " +
            Str(seat))
        .value_or("<missing>");
  }
};

// ---- accounts: stored verbatim ---------------------------------------------------------

TEST_F(Hostile, NameWithSqlMetacharactersIsStoredVerbatim) {
  for (const auto& name : Injections()) {
    SCOPED_TRACE("name: " + name);
    const std::string email = TaggedEmail();
    const Response r = RegisterAs(email, kPassword, name);
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_EQ(r.json["user"]["name"].string(), name);
    EXPECT_EQ(
        db().value("SELECT HEX(name) FROM users WHERE id = " + Str(r.json["user"]["id"].integer()))
            .value_or(""),
        Hex(name));
    const Response login = LoginAs(email, kPassword);
    ASSERT_TRUE(IsJson(login, 200));
    EXPECT_EQ(login.json["user"]["name"].string(), name);
  }
  // The same characters arriving as JSON escapes.
  const Response escaped =
      RegisterRaw(R"({"email":)" + Quoted(TaggedEmail()) + R"(,"password":)" + Quoted(kPassword) +
                  R"(,"name":"\u0027\u003b DROP TABLE users\u003b \u002d-"})");
  ASSERT_TRUE(IsJson(escaped, 201));
  EXPECT_EQ(db().value("SELECT HEX(name) FROM users WHERE id = " +
                       Str(escaped.json["user"]["id"].integer()))
                .value_or(""),
            Hex("'; DROP TABLE users; --"));
}

TEST_F(Hostile, EmailWithSqlMetacharactersIsStoredVerbatimAndLogsInOnlyItsOwner) {
  const std::string victim = TaggedEmail();
  ASSERT_TRUE(IsJson(RegisterAs(victim, kPassword, "Victim"), 201));
  for (const auto& inj : EmailInjections()) {
    SCOPED_TRACE("local part ends with " + inj);
    const std::string email = TaggedEmail(inj);
    const Response r = RegisterAs(email, kPassword, "Mallory");
    ASSERT_TRUE(IsJson(r, 201));
    const std::int64_t id = r.json["user"]["id"].integer();
    EXPECT_EQ(r.json["user"]["email"].string(), email);
    EXPECT_EQ(db().value("SELECT HEX(email) FROM users WHERE id = " + Str(id)).value_or(""),
              Hex(email));
    const Response login = LoginAs(email, kPassword);
    ASSERT_TRUE(IsJson(login, 200));
    EXPECT_EQ(login.json["user"]["id"].integer(), id) << "logged in as somebody else";
  }
  EXPECT_EQ(UsersWithEmail(victim), 1);
}

TEST_F(Hostile, PasswordWithSqlMetacharactersMatchesOnlyItself) {
  for (const auto& inj : Injections()) {
    const std::string password = "pw " + inj;
    SCOPED_TRACE("password: " + password);
    const std::string email = TaggedEmail();
    const Response r = RegisterAs(email, password, "Pat");
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_TRUE(IsJson(LoginAs(email, password), 200));
    // Each stays valid UTF-8, so every one reaches the password check.
    const std::string wrongs[] = {
        "' OR '1'='1", "' OR ''='", password + "' OR '1'='1", password.substr(1), inj, "PW " + inj,
        "%",           "pw %"};
    for (const auto& wrong : wrongs) {
      EXPECT_TRUE(IsProblem(LoginAs(email, wrong), 401, "invalid_credentials")) << wrong;
    }
  }
}

TEST_F(Hostile, SeventyTwoBytePasswordDoesNotMatchWithAnInjectionAppended) {
  // bcrypt reads 72 bytes; anything after them must still count against the password.
  const std::string password = "'); DROP TABLE users; -- " + std::string(72 - 25, 'p');
  ASSERT_EQ(password.size(), 72u);
  const std::string email = TaggedEmail();
  ASSERT_TRUE(IsJson(RegisterAs(email, password, "Pat"), 201));
  EXPECT_TRUE(IsJson(LoginAs(email, password), 200));
  EXPECT_TRUE(IsProblem(LoginAs(email, password + "' OR '1'='1"), 401, "invalid_credentials"));
  EXPECT_TRUE(IsProblem(LoginAs(email, password + "x"), 401, "invalid_credentials"));
}

// ---- accounts: refused ------------------------------------------------------------------

// Against an account of its own, not the demo user: every wrong password here counts as
// a failed login of that e-mail (API.md Part 2), and ten would lock the demo user out of
// every other test for 15 minutes.
TEST_F(Hostile, LoginInjectionsNeverLogIn) {
  const User victim = NewUser();
  const std::string& email = victim.email;
  const std::string& pw = victim.password;
  const std::string fuzzy = email.substr(0, email.size() - 1) + "_";
  const std::pair<std::string, std::string> attempts[] = {
      {email + "' --", "anything at all"},
      {email + "'; --", "anything at all"},
      {email + "' #", "anything at all"},
      {"' OR 1=1 --", "anything at all"},
      {"' OR '1'='1", "' OR '1'='1"},
      {email + "' OR '1'='1", "' OR '1'='1"},
      {email + "\" OR \"\"=\"", pw},
      {"%", pw},
      {"%@example.com", pw},
      {fuzzy, pw},
      {"*", pw},
      {email, "' OR '1'='1"},
      {email, "' OR ''='"},
      {email, "%"},
      {email, "*"},
      {email, pw + "' OR '1'='1"},
  };
  for (const auto& [login_email, password] : attempts) {
    SCOPED_TRACE("email \"" + login_email + "\" password \"" + password + "\"");
    const Response r = LoginAs(login_email, password);
    EXPECT_TRUE(IsProblem(r, 401, "invalid_credentials"));
    EXPECT_FALSE(r.json["token"].present());
  }
  EXPECT_TRUE(IsJson(LoginAs(email, pw), 200))
      << "the victim must still log in, or every 401 above proves nothing";
}

TEST_F(Hostile, NulInAnAccountFieldIs422EvenWhereTheTextBeforeItWouldMatch) {
  // A C string ends at the NUL: a server that cut there would log alex in, or call an
  // address with a NUL in it taken.
  const std::string alex = kAlexEmail;
  const std::string pw = kAlexPassword;
  const std::pair<std::string, Json> logins[] = {
      {"email", Json::object().set("email", alex + "\0"s).set("password", pw)},
      {"email", Json::object().set("email", alex + "\0' OR 1=1 --"s).set("password", pw)},
      {"password", Json::object().set("email", alex).set("password", pw + "\0"s)},
      {"password", Json::object().set("email", alex).set("password", pw + "\0anything"s)},
      {"email", Json::object().set("email", "\0"s).set("password", pw)},
  };
  for (const auto& [field, body] : logins) {
    SCOPED_TRACE("login " + body.dump());
    const Response r = PostLogin(body);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, field));
  }

  const std::string taken = TaggedEmail();
  ASSERT_TRUE(IsJson(RegisterAs(taken, kPassword, "First"), 201));
  const std::int64_t before = TaggedUsers();
  const std::pair<std::string, Json> registrations[] = {
      {"email",
       Json::object().set("email", taken + "\0"s).set("password", kPassword).set("name", "Second")},
      {"email", Json::object()
                    .set("email", TaggedEmail() + "\0'); DROP TABLE users; --"s)
                    .set("password", kPassword)
                    .set("name", "Third")},
      {"password", Json::object()
                       .set("email", TaggedEmail())
                       .set("password", "12345678\0"s)
                       .set("name", "Fourth")},
      {"name", Json::object()
                   .set("email", TaggedEmail())
                   .set("password", kPassword)
                   .set("name", "Ann\0'; DROP TABLE users; --"s)},
  };
  for (const auto& [field, body] : registrations) {
    SCOPED_TRACE("register " + body.dump());
    const Response r = RegisterRaw(body.dump());
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, field));
  }
  EXPECT_EQ(TaggedUsers(), before);
}

TEST_F(Hostile, VeryLongStringsAreRefusedWithoutAServerError) {
  const std::string grin = "\xF0\x9F\x98\x80";
  std::string many_grins;
  for (int i = 0; i < 3000; ++i) many_grins += grin;
  const std::int64_t before = TaggedUsers();
  struct Case {
    std::string field;
    std::string email, password, name;
  };
  const Case cases[] = {
      {"email", TaggedEmail(std::string(kVeryLong, 'e')), kPassword, "Pat"},
      {"email", std::string(kVeryLong, '\'') + "@example.com", kPassword, "Pat"},
      {"password", TaggedEmail(), std::string(kVeryLong, '\''), "Pat"},
      {"name", TaggedEmail(), kPassword, std::string(kVeryLong, ';')},
      {"name", TaggedEmail(), kPassword, many_grins},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("a very long " + c.field);
    const Response r = RegisterAs(c.email, c.password, c.name);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, c.field));
  }
  EXPECT_EQ(TaggedUsers(), before);

  const std::string huge = std::string(15000, '\'');
  const User victim = NewUser();  // not the demo user: a wrong password counts against it
  const std::pair<std::string, std::string> logins[] = {
      {huge, victim.password}, {victim.email, huge}, {huge + victim.email, victim.password}};
  for (const auto& [email, password] : logins) {
    EXPECT_TRUE(IsOneOf(LoginAs(email, password),
                        {{401, "invalid_credentials"}, {422, "validation_failed"}}));
  }
}

TEST_F(Hostile, NonStringAccountFieldsAre422EvenShapedAsQueryOperators) {
  const std::string alex = kAlexEmail;
  const std::string pw = kAlexPassword;
  const std::pair<std::string, std::string> logins[] = {
      {"password", R"({"email":")" + alex + R"(","password":{"$ne":"x"}})"},
      {"password", R"({"email":")" + alex + R"(","password":{"$gt":""}})"},
      {"password", R"({"email":")" + alex + R"(","password":[")" + pw + R"("]})"},
      {"password", R"({"email":")" + alex + R"(","password":true})"},
      {"email", R"({"email":{"$regex":".*"},"password":")" + pw + R"("})"},
      {"email", R"({"email":[")" + alex + R"("],"password":")" + pw + R"("})"},
      {"email", R"({"email":{"email":")" + alex + R"("},"password":")" + pw + R"("})"},
  };
  for (const auto& [field, body] : logins) {
    SCOPED_TRACE(body);
    const Response r = LoginRaw(body);
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, field));
  }
  const std::int64_t before = TaggedUsers();
  const Response r = RegisterRaw(R"({"email":)" + Quoted(TaggedEmail()) + R"(,"password":")" +
                                 kPassword + R"(","name":{"first":"'); DROP TABLE users; --"}})");
  EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(r, "name"));
  EXPECT_EQ(TaggedUsers(), before);
}

TEST_F(Hostile, EveryStoredPasswordIsASaltedBcrypt2bHash) {
  const std::string a = TaggedEmail();
  const std::string b = TaggedEmail();
  ASSERT_TRUE(IsJson(RegisterAs(a, "' OR 1=1 --", "Same Password"), 201));
  ASSERT_TRUE(IsJson(RegisterAs(b, "' OR 1=1 --", "Same Password"), 201));
  const auto bad = db().rows(
      "SELECT id, email, password_hash FROM users "
      "WHERE password_hash NOT REGEXP '^\\\\$2b\\\\$[0-9]{2}\\\\$[./A-Za-z0-9]{53}$' LIMIT 10");
  for (const auto& row : bad) {
    ADD_FAILURE() << "user " << row[0].value_or("?") << " <" << row[1].value_or("?")
                  << "> has password_hash \"" << row[2].value_or("NULL") << "\"";
  }
  const auto hashes =
      db().rows("SELECT password_hash FROM users WHERE email IN ('" + a + "', '" + b + "')");
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_NE(hashes[0][0], hashes[1][0]) << "one password gave two users the same hash: no salt";
}

// ---- JSON itself ------------------------------------------------------------------------

TEST_F(Hostile, InvalidUtf8IsRefusedAndNothingIsStored) {
  const std::int64_t before = TaggedUsers();
  const std::string raw_bad[] = {
      "\xC3\x28",          // a lead byte without its continuation
      "\xC0\xAF",          // overlong "/"
      "\xED\xA0\x80",      // a UTF-16 surrogate, encoded
      "\xF4\x90\x80\x80",  // past U+10FFFF
      "\xF8\x88\x80\x80\x80",
      "\xFF",
      "\xE2\x82",  // cut short at the end of the string
  };
  for (const auto& bad : raw_bad) {
    SCOPED_TRACE("bytes " + Hex(bad));
    const std::string email = TaggedEmail();
    for (const std::string& body :
         {R"({"email":")" + email + R"(","password":"correct horse","name":"Ann)" + bad + "\"}",
          R"({"email":")" + email + R"(","password":"correct horse)" + bad + R"(","name":"Ann"})",
          R"({"email":"x)" + bad + email + R"(","password":"correct horse","name":"Ann"})"}) {
      EXPECT_TRUE(IsProblem(RegisterRaw(body), 400, "invalid_json"));
    }
    EXPECT_TRUE(IsProblem(LoginRaw(R"({"email":"alex@example.com","password":")" +
                                   std::string(kAlexPassword) + bad + "\"}"),
                          400, "invalid_json"));
  }
  // Escapes that name no character: valid JSON grammar, invalid Unicode.
  for (const std::string escape : {"\\ud800", "\\udc00\\ud800", "x\\udfff"}) {
    SCOPED_TRACE("escape " + escape);
    const std::string body = R"({"email":)" + Quoted(TaggedEmail()) +
                             R"(,"password":"correct horse","name":"Ann)" + escape + "\"}";
    EXPECT_TRUE(IsInvalidJsonOrValidation(RegisterRaw(body)));
  }
  EXPECT_EQ(TaggedUsers(), before);
}

TEST_F(Hostile, DuplicateKeysAreRefusedAndNothingIsStored) {
  const User u = NewUser();
  const std::int64_t before = TaggedUsers();
  const std::string e1 = TaggedEmail();
  const std::string e2 = TaggedEmail();
  for (const std::string& body : {
           R"({"email":")" + e1 + R"(","password":"correct horse","name":"A","name":"B"})",
           R"({"email":")" + e1 + R"(","email":")" + e2 +
               R"(","password":"correct horse","name":"A"})",
           R"({"email":")" + e1 +
               R"(","password":"correct horse","password":"' OR 1=1 --","name":"A"})",
       }) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsInvalidJsonOrValidation(RegisterRaw(body)));
  }
  EXPECT_EQ(TaggedUsers(), before);
  EXPECT_EQ(UsersWithEmail(e1) + UsersWithEmail(e2), 0);

  // Whichever duplicate a lenient parser kept, one order logs alex in.
  const std::string wrong = R"("email":"nobody@example.com","password":"wrong password")";
  const std::string right =
      R"("email":"alex@example.com","password":")" + std::string(kAlexPassword) + "\"";
  for (const std::string& body :
       {"{" + wrong + "," + right + "}", "{" + right + "," + wrong + "}"}) {
    SCOPED_TRACE(body);
    const Response r = LoginRaw(body);
    EXPECT_TRUE(IsInvalidJsonOrValidation(r));
    EXPECT_FALSE(r.json["token"].present());
  }

  const StartedTarget& t = Started();
  const Response booking =
      client.post(kBookingsPath, RawBody(R"({"show_id":)" + Str(t.show) + R"(,"show_id":)" +
                                             Str(t.show) + R"(,"seat_id":)" + Str(t.seat) + "}",
                                         u.token));
  EXPECT_TRUE(IsInvalidJsonOrValidation(booking));
  const std::string seat_before = SeatState(t.seat);
  EXPECT_TRUE(IsInvalidJsonOrValidation(client.patch(
      SeatLockPath(t.seat), RawBody(R"({"status":"LOCKED","status":"AVAILABLE"})", u.token))));
  EXPECT_EQ(SeatState(t.seat), seat_before);
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Hostile, DeeplyNestedJsonIs400AndTheServiceStaysUp) {
  const User u = NewUser();
  const StartedTarget& t = Started();
  std::string objects;
  for (int i = 0; i < 2700; ++i) objects += R"({"a":)";
  objects += "1" + std::string(2700, '}');
  const std::pair<std::string, std::string> bodies[] = {
      {"10000 unclosed arrays", R"({"a":)" + std::string(10000, '[')},
      {"16 KiB of opening brackets", std::string(16 * 1024, '[')},
      {"8000 nested arrays", R"({"a":)" + std::string(8000, '[') + std::string(8000, ']') + "}"},
      {"2700 nested objects", objects},
  };
  const std::int64_t before = TaggedUsers();
  for (const auto& [label, body] : bodies) {
    SCOPED_TRACE(label);
    ASSERT_LE(body.size(), 16u * 1024u) << "the body must reach seatd, not nginx's 413";
    EXPECT_TRUE(IsProblem(RegisterRaw(body), 400, "invalid_json"));
    EXPECT_TRUE(IsProblem(LoginRaw(body), 400, "invalid_json"));
    EXPECT_TRUE(IsProblem(client.post(kBookingsPath, RawBody(body, u.token)), 400, "invalid_json"));
    EXPECT_TRUE(
        IsProblem(client.patch(SeatLockPath(t.seat), RawBody(body, u.token)), 400, "invalid_json"));
  }
  EXPECT_EQ(TaggedUsers(), before);
  // Every worker that parsed one of those must still answer.
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(IsJson(client.get("/api/v1/bookings", Auth(u.token)), 200));
  }
  EXPECT_TRUE(IsJson(RegisterAs(TaggedEmail(), kPassword, "After"), 201));
}

TEST_F(Hostile, BodyLongNumbersAreRefusedAndTheServiceStaysUp) {
  // A number literal as long as a whole body. Checking its grammar with std::regex took
  // ~315 bytes of stack per digit: 5 MB for one of these, enough to kill a worker whose
  // stack is 4 MB (or any ASan build) from POST /login, without a token.
  const User u = NewUser();
  const StartedTarget& t = Started();
  constexpr std::size_t kBody = 16 * 1024;  // nginx's client_max_body_size 16k
  // head + digits + tail, exactly kBody bytes.
  auto fill = [&](const std::string& head, char digit, const std::string& tail) {
    return head + std::string(kBody - head.size() - tail.size(), digit) + tail;
  };
  const std::pair<std::string, std::string> unparsable[] = {
      {"16 KiB of digits", std::string(kBody, '1')},
      {"a negative one", fill("-", '9', "")},
      {"in an array", fill("[", '1', "]")},
      {"then a second token", fill(R"({"a":1e)", '9', "-1e400}")},
      {"then a letter", fill(R"({"a":)", '1', "e400x}")},
  };
  const std::int64_t before = TaggedUsers();
  for (const auto& [label, body] : unparsable) {
    SCOPED_TRACE(label);
    EXPECT_TRUE(IsProblem(LoginRaw(body), 400, "invalid_json"));
    EXPECT_TRUE(IsProblem(RegisterRaw(body), 400, "invalid_json"));
    EXPECT_TRUE(IsProblem(client.post(kBookingsPath, RawBody(body, u.token)), 400, "invalid_json"));
    EXPECT_TRUE(
        IsProblem(client.patch(SeatLockPath(t.seat), RawBody(body, u.token)), 400, "invalid_json"));
  }

  // The same literals as the value of the field each endpoint reads: valid JSON, a 422.
  struct Literal {
    std::string label, head;
    char digit;
    std::string tail;
  };
  const Literal literals[] = {
      {"digits", "", '7', ""},
      {"long fraction, long exponent", "-0." + std::string(kBody / 2, '0') + "1e", '9', ""},
      {"upper-case exponent with a sign", "1.5E+", '9', ""},
  };
  struct Endpoint {
    std::string field, method, path, head, tail;
  };
  const Endpoint endpoints[] = {
      {"email", "POST", kLogin, R"({"password":"x","email":)", "}"},
      {"email", "POST", kRegister, R"({"password":"correct horse","name":"N","email":)", "}"},
      {"seat_id", "POST", kBookingsPath, R"({"show_id":)" + Str(t.show) + R"(,"seat_id":)", "}"},
      {"status", "PATCH", SeatLockPath(t.seat), R"({"status":)", "}"},
  };
  for (const Literal& literal : literals) {
    for (const Endpoint& e : endpoints) {
      SCOPED_TRACE(literal.label + " as " + e.field + " of " + e.method + " " + e.path);
      const std::string body = fill(e.head + literal.head, literal.digit, literal.tail + e.tail);
      const Response r = client.send(e.method, e.path, RawBody(body, u.token));
      if (e.path == kRegister) Remember(r);
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    }
  }
  EXPECT_EQ(TaggedUsers(), before);
  EXPECT_EQ(BookingsOf(u), 0);
  // Every worker that parsed one of those must still answer.
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(IsJson(client.get("/api/v1/bookings", Auth(u.token)), 200));
  }
  EXPECT_TRUE(IsJson(LoginAs(kAlexEmail, kAlexPassword), 200));
}

TEST_F(Hostile, BodyIsParsedAsJsonWhateverItsContentType) {
  // API.md: "The body is parsed as JSON whatever its Content-Type".
  const std::string name = "Zo\xC3\xAB O'Brien; --";
  const std::vector<std::string> types = {"text/plain",
                                          "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x",
                                          "application/json; charset=iso-8859-1",
                                          "application/xml",
                                          ""};  // none at all
  for (const auto& type : types) {
    SCOPED_TRACE("Content-Type: " + type);
    const std::string email = TaggedEmail();
    const std::string body =
        Json::object().set("email", email).set("password", kPassword).set("name", name).dump();
    std::vector<std::string> headers;
    if (!type.empty()) headers.push_back("Content-Type: " + type);
    const Response r = SendRaw(RawRequest("POST", kRegister, headers, body));
    Remember(r);
    ASSERT_TRUE(IsJson(r, 201));
    EXPECT_EQ(
        db().value("SELECT HEX(name) FROM users WHERE id = " + Str(r.json["user"]["id"].integer()))
            .value_or(""),
        Hex(name))
        << "the body's UTF-8 was re-read in another charset";
  }

  const std::int64_t before = TaggedUsers();
  const std::string email = TaggedEmail();
  const std::pair<std::string, std::string> not_json[] = {
      {"application/x-www-form-urlencoded",
       "email=" + email + "&password=correct+horse+battery&name=Form"},
      {"multipart/form-data; boundary=XyZ",
       "--XyZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n" + email +
           "\r\n--XyZ--\r\n"},
      {"application/xml", "<user><email>" + email + "</email></user>"},
  };
  for (const auto& [type, body] : not_json) {
    SCOPED_TRACE("Content-Type: " + type);
    const Response r = SendRaw(RawRequest("POST", kRegister, {"Content-Type: " + type}, body));
    Remember(r);
    EXPECT_TRUE(IsProblem(r, 400, "invalid_json"));
  }
  EXPECT_EQ(TaggedUsers(), before);
}

// ---- headers ----------------------------------------------------------------------------

TEST_F(Hostile, HugeHeaderValuesAreRefusedWithAProblem) {
  const User u = NewUser();
  const StartedTarget& t = Started();
  const std::string under(kUnderHeaderLine, 'a');
  const std::string over(kOverHeaderLine, 'a');
  EXPECT_TRUE(
      IsProblem(client.get("/api/v1/bookings", Request().Header("Authorization: Bearer " + under)),
                401, "unauthorized"));
  EXPECT_TRUE(
      IsProblem(client.get("/api/v1/bookings", Request().Header("Authorization: Bearer " + over)),
                400, "bad_request"));
  EXPECT_TRUE(IsProblem(client.get("/api/v1/movies", Request().Header("X-Junk: " + over)), 400,
                        "bad_request"));
  Request many;
  for (int i = 0; i < 6; ++i) many.Header("X-Junk-" + std::to_string(i) + ": " + under);
  EXPECT_TRUE(IsProblem(client.get("/api/v1/movies", many), 400, "bad_request"))
      << "42 KB of headers in all";
  Request lots;
  for (int i = 0; i < 500; ++i) lots.Header("X-H" + std::to_string(i) + ": ' OR 1=1 --");
  EXPECT_TRUE(IsJson(client.get("/api/v1/movies", lots), 200)) << "many small headers are fine";
  EXPECT_TRUE(IsJson(client.get("/api/v1/movies", Request().Header("Cookie: " + under)), 200));

  const Response key = client.post(
      kBookingsPath,
      JsonBody(BookingBody(t.show, {t.seat}), u.token).Header("Idempotency-Key: " + under));
  EXPECT_TRUE(IsProblem(key, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(key, "Idempotency-Key"));
  EXPECT_EQ(KeysOf(u), 0);
}

// ---- ids in bodies ----------------------------------------------------------------------

TEST_F(Hostile, HostileIdsInBookingBodiesAre422AndBookNothing) {
  // bookings_test covers the plain wrong types; these are the injection-shaped ones.
  // ID stands for the real id.
  const User u = NewUser();
  const StartedTarget& t = Started();
  const std::string bad_values[] = {
      R"("ID; DROP TABLE bookings; --")",
      R"("ID' OR 1=1 --")",
      R"("ID\u0000")",
      R"(" ID")",
      R"({"id":ID})",
      R"({"$gt":0})",
      R"([[ID]])",
      "-9223372036854775808",
      "18446744073709551616",
      "ID.000000000000000001",
      "-0",
      "0.0",
      "1E2",
  };
  auto with = [](std::string pattern, const std::string& value) {
    const auto at = pattern.find("ID");
    if (at != std::string::npos) pattern.replace(at, 2, value);
    return pattern;
  };
  const std::string show = Str(t.show);
  const std::string seat = Str(t.seat);
  for (const auto& bad : bad_values) {
    SCOPED_TRACE("value " + bad);
    const std::pair<std::string, std::string> bodies[] = {
        {"show_id", R"({"show_id":)" + with(bad, show) + R"(,"seat_id":)" + seat + "}"},
        {"seat_id", R"({"show_id":)" + show + R"(,"seat_id":)" + with(bad, seat) + "}"},
        {"seat_ids", R"({"show_id":)" + show + R"(,"seat_ids":[)" + with(bad, seat) + "]}"},
        {"seat_ids", R"({"show_id":)" + show + R"(,"seat_ids":[)" + Str(t.other_seat) + "," +
                         with(bad, seat) + "]}"},
    };
    for (const auto& [field, body] : bodies) {
      const Response r = client.post(kBookingsPath, RawBody(body, u.token));
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed")) << body;
      EXPECT_TRUE(DetailMentions(r, field)) << body;
    }
  }
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(KeysOf(u), 0);
}

TEST_F(Hostile, FloatIdIsRefusedEvenWhenAnotherMemberOverflowsInt64) {
  // How one id is read must not depend on an unrelated member: {"seat_id":X.0} alone is 422,
  // so it stays 422 beside a number too large for int64.
  const User u = NewUser();
  const StartedTarget& t = Started();
  const std::string show = Str(t.show);
  const std::string seat = Str(t.seat);
  const std::string overflow = R"(,"note":99999999999999999999})";
  const std::pair<std::string, std::string> bodies[] = {
      {"seat_id", R"({"show_id":)" + show + R"(,"seat_id":)" + seat + ".0" + overflow},
      {"show_id", R"({"show_id":)" + show + R"(.0,"seat_id":)" + seat + overflow},
      {"seat_ids", R"({"show_id":)" + show + R"(,"seat_ids":[)" + seat + ".0]" + overflow},
      {"seat_id", R"({"show_id":)" + show + R"(,"seat_id":)" + seat + "e0" + overflow},
  };
  for (const auto& [field, body] : bodies) {
    SCOPED_TRACE(body);
    const Response r = client.post(kBookingsPath, RawBody(body, u.token));
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, field));
  }
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Hostile, IdBeyondTheRangeOfADoubleIs422ValidationFailed) {
  // Valid JSON numbers that are not ids: API.md makes that 422, like 2^63.
  const User u = NewUser();
  const StartedTarget& t = Started();
  for (const std::string& value : {"1e400"s, "1" + std::string(400, '0')}) {
    SCOPED_TRACE("seat_id " + value.substr(0, 20));
    const Response r = client.post(
        kBookingsPath,
        RawBody(R"({"show_id":)" + Str(t.show) + R"(,"seat_id":)" + value + "}", u.token));
    // Only status and code: the parser meets the number before it knows the field.
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
  }
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Hostile, HostileStatusValuesInLockBodiesAre422AndChangeNothing) {
  const User u = NewUser();
  const StartedTarget& t = Started();
  const std::string before = SeatState(t.seat);
  const std::string bodies[] = {
      R"({"status":"LOCKED' OR '1'='1"})",
      R"({"status":"LOCKED; DROP TABLE show_seats; --"})",
      R"({"status":"LOCKED\u0000"})",
      R"({"status":"AVAILABLE\u0000"})",
      R"({"status":"LOCKED\u0000' OR 1=1 --"})",
      R"({"status":"\u004cOCKED "})",
      R"({"status":{"$ne":"SOLD"}})",
      R"({"status":["LOCKED"]})",
      R"({"status":")" + std::string(kVeryLong, 'L') + "\"}",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body.substr(0, 60));
    for (const std::string method : {"PATCH", "POST"}) {
      const Response r = client.send(method, SeatLockPath(t.seat), RawBody(body, u.token));
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed")) << method;
      EXPECT_TRUE(DetailMentions(r, "status")) << method;
    }
  }
  EXPECT_EQ(SeatState(t.seat), before);
}

// ---- ids in paths -----------------------------------------------------------------------

TEST_F(Hostile, HostilePathIdsAre404NotFound) {
  // errors_test covers the plain malformed ids; these carry SQL or control characters.
  const User u = NewUser();
  const auto& ids = HostilePathIds();
  auto check = [&](const std::string& id, const std::function<bool(const Response&)>& ok) {
    SCOPED_TRACE("id \"" + id + "\"");
    EXPECT_TRUE(ok(client.get("/api/v1/movies/" + id + "/shows")));
    EXPECT_TRUE(ok(client.get("/api/v1/shows/" + id + "/seats")));
    EXPECT_TRUE(ok(client.patch("/api/v1/seats/" + id + "/lock", Auth(u.token))));
    EXPECT_TRUE(ok(client.del("/api/v1/seats/" + id + "/lock", Auth(u.token))));
    EXPECT_TRUE(ok(client.del("/api/v1/bookings/" + id, Auth(u.token))));
  };
  for (const auto& id : ids) {
    check(id, [](const Response& r) { return static_cast<bool>(IsProblem(r, 404, "not_found")); });
  }
  // nginx refuses a NUL anywhere in the path itself (bad_request) before seatd can say 404.
  for (const std::string id : {"1%00", "%00", "%001", "1%00%27%20OR%201=1"}) {
    check(id, [](const Response& r) {
      return static_cast<bool>(IsOneOf(r, {{404, "not_found"}, {400, "bad_request"}}));
    });
  }
  EXPECT_EQ(BookingsOf(u), 0);
  EXPECT_EQ(db().integer("SELECT COUNT(*) FROM show_seats WHERE user_id = " + Str(u.id)), 0);
}

// ---- Idempotency-Key --------------------------------------------------------------------

TEST_F(Hostile, IdempotencyKeysWithSqlMetacharactersAreStoredVerbatim) {
  const User u = NewUser();
  const StartedTarget& t = Started();
  const Json body_a = BookingBody(t.show, {t.seat});
  const Json body_b = BookingBody(t.show, {t.other_seat});
  auto post = [&](const Json& body, const std::string& key) {
    return client.post(kBookingsPath, JsonBody(body, u.token).Header("Idempotency-Key: " + key));
  };
  // Answered first, with the other body: a key that matched it as a pattern would be
  // "reused" instead of new.
  const std::string plain = "plain-key";
  const Response first = post(body_a, plain);
  ASSERT_TRUE(IsProblem(first, 409, "show_started"));

  const std::vector<std::string> keys = {
      "%",
      "_________",
      "*",
      "plain%",
      "' OR 1=1 --",
      "' OR '1'='1",
      "'); DROP TABLE bookings; --",
      "\"; DELETE FROM idempotency_keys; --",
      "back\\slash\\",
      "$1 ?? :key @k",
      "' UNION SELECT response_body FROM idempotency_keys --",
  };
  std::map<std::string, Response> answers;
  for (const auto& key : keys) {
    SCOPED_TRACE("key " + key);
    const Response r = post(body_b, key);
    EXPECT_TRUE(IsProblem(r, 409, "show_started")) << "a new key, so the request runs";
    answers[key] = r;
  }

  // Keys are kept as SHA-256 digests: the digest of exactly the bytes sent, one row each.
  auto digest_of = [&](const std::string& key) {
    return db().value("SELECT UPPER(SHA2(UNHEX('" + Hex(key) + "'), 256))").value_or("");
  };
  std::map<std::string, std::string> stored;  // hex digest -> status
  for (const auto& row : db().rows("SELECT HEX(key_digest), status_code FROM idempotency_keys "
                                   "WHERE user_id = " +
                                   Str(u.id))) {
    stored[row[0].value_or("")] = row[1].value_or("NULL");
  }
  std::map<std::string, std::string> expected = {{digest_of(plain), "409"}};
  for (const auto& key : keys) expected[digest_of(key)] = "409";
  EXPECT_EQ(stored, expected) << "keys are stored exactly as sent, one row each";

  for (const auto& key : keys) {
    SCOPED_TRACE("replay of key " + key);
    const Response again = post(body_b, key);
    EXPECT_TRUE(IsProblem(again, 409, "show_started"));
    EXPECT_EQ(again.json, answers[key].json) << "a replay answers what the first request got";
    EXPECT_TRUE(IsProblem(post(body_a, key), 422, "idempotency_key_reused"));
  }
  EXPECT_EQ(BookingsOf(u), 0);
}

TEST_F(Hostile, MalformedIdempotencyKeysStoreNothing) {
  // idempotency_test covers empty, 256 bytes, control characters and non-ASCII.
  const User u = NewUser();
  const StartedTarget& t = Started();
  const Json body = BookingBody(t.show, {t.seat});
  for (const std::string& key : {"' OR 1=1 --" + std::string(300, 'x'), std::string(5000, '\''),
                                 "\xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87' OR 1=1 --"s}) {
    SCOPED_TRACE("key of " + std::to_string(key.size()) + " bytes");
    const Response r =
        client.post(kBookingsPath, JsonBody(body, u.token).Header("Idempotency-Key: " + key));
    EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
    EXPECT_TRUE(DetailMentions(r, "Idempotency-Key"));
  }
  // A NUL cannot go through libcurl's header list; nginx refuses it in any header.
  const Response nul =
      SendRaw(RawRequest("POST", kBookingsPath,
                         {"Authorization: Bearer " + u.token, "Content-Type: application/json",
                          "Idempotency-Key: k\0' OR 1=1 --"s},
                         body.dump()));
  EXPECT_TRUE(IsOneOf(nul, {{400, "bad_request"}, {422, "validation_failed"}}));
  EXPECT_EQ(KeysOf(u), 0);
  EXPECT_EQ(BookingsOf(u), 0);
}

// ---- the operator's side ----------------------------------------------------------------

// This suite's admin, and the movie and theatre its show bodies name. Every text an admin
// body below carries starts with Tag(), and every show body names this movie and theatre,
// so whatever a refused request stored would be found after the test (CheckAdminTarget).
struct AdminTarget {
  User admin;
  std::int64_t movie = 0;
  std::int64_t theatre = 0;
  std::string movie_row;  // as stored when made
  std::string theatre_row;
};

// Made on purpose by this process: what the database must hold of this suite's, and no more.
struct Made {
  std::int64_t movies = 0;
  std::int64_t theatres = 0;
  std::int64_t shows = 0;
  std::int64_t updates = 0;
};
Made made;  // guarded by created_mutex
bool target_made = false;

void Count(std::int64_t Made::*what) {
  std::lock_guard<std::mutex> lock(created_mutex);
  ++(made.*what);
}

std::string MovieRow(Db& db, std::int64_t id) {
  return db
      .value(
          "SELECT CONCAT_WS('|', HEX(title), HEX(description), duration_mins, rating) FROM "
          "movies WHERE id = " +
          Str(id))
      .value_or("<missing>");
}

std::string TheatreRow(Db& db, std::int64_t id) {
  return db
      .value(
          "SELECT CONCAT_WS('|', HEX(name), HEX(location), timezone, (SELECT "
          "GROUP_CONCAT(position, row_name, seats ORDER BY position) FROM theatre_rows WHERE "
          "theatre_id = t.id)) FROM theatres t WHERE id = " +
          Str(id))
      .value_or("<missing>");
}

const AdminTarget& Target() {
  static const AdminTarget t = [] {
    Db db;
    Client c;
    AdminTarget a;
    a.admin = RegisterAdmin(db, Tag());
    {
      std::lock_guard<std::mutex> lock(created_mutex);
      created_ids.push_back(a.admin.id);
    }
    a.movie = MustCreate(c, a.admin, kAdminMovies, MovieBody(Tag() + " target", 1))["id"].integer();
    a.theatre =
        MustCreate(c, a.admin, kAdminTheatres, TheatreBody(Tag() + " target", {{"A", 2}}))["id"]
            .integer();
    a.movie_row = MovieRow(db, a.movie);
    a.theatre_row = TheatreRow(db, a.theatre);
    std::lock_guard<std::mutex> lock(created_mutex);
    made.movies += 1;
    made.theatres += 1;
    target_made = true;
    return a;
  }();
  return t;
}

// Rows whose text column starts with Tag().
std::int64_t Tagged(Db& db, const std::string& table, const std::string& column) {
  return RowsStartingWith(db, table, column, Tag());
}

void CheckAdminTarget(Db& db) {
  Made expected;
  {
    std::lock_guard<std::mutex> lock(created_mutex);
    if (!target_made) return;
    expected = made;
  }
  const AdminTarget& t = Target();
  EXPECT_EQ(Tagged(db, "movies", "title"), expected.movies) << "movies this suite made";
  EXPECT_EQ(Tagged(db, "theatres", "name"), expected.theatres) << "theatres this suite made";
  EXPECT_EQ(db.integer("SELECT COUNT(*) FROM shows WHERE movie_id = " + Str(t.movie) +
                       " OR theatre_id = " + Str(t.theatre)),
            expected.shows)
      << "shows this suite made";
  EXPECT_EQ(AuditEntriesBy(db, t.admin),
            expected.movies + expected.theatres + expected.shows + expected.updates)
      << "audit entries: one per write that happened, none for a refused one";
  EXPECT_EQ(MovieRow(db, t.movie), t.movie_row) << "the target movie changed";
  EXPECT_EQ(TheatreRow(db, t.theatre), t.theatre_row) << "the target theatre changed";
}

// One request as the suite's admin from an address of its own: these tests send more than
// nginx's burst (200) would let one address.
Response AsAdmin(const std::string& method, const std::string& path, const std::string& body) {
  Client c;
  return c.send(method, path, RawBody(body, Target().admin.token));
}

// Valid members of each admin body; each case below swaps one for something hostile.
Members MovieMembers() {
  return {{"title", Json(UniqueName(Tag())).dump()},
          {"description", R"("ok")"},
          {"duration_mins", "90"},
          {"rating", R"("PG")"}};
}
Members TheatreMembers() {
  return {{"name", Json(UniqueName(Tag())).dump()},
          {"location", R"("ok")"},
          {"timezone", R"("Europe/Berlin")"},
          {"rows", R"([{"row":"A","seats":2}])"}};
}
Members ShowMembers() {
  static std::atomic<int> slot{0};
  static const TimePoint base = Db().now();
  // A slot of its own per body (a day apart), so that even a show stored by mistake cannot
  // make the next case's answer a 409.
  const TimePoint time = base + std::chrono::hours(24 * (400 + slot.fetch_add(1)));
  return {{"movie_id", Str(Target().movie)},
          {"theatre_id", Str(Target().theatre)},
          {"time", Json(FormatTime(time)).dump()},
          {"on_sale_at", Json(FormatTime(time - std::chrono::hours(1))).dump()},
          {"price_cents", "100"},
          {"queue_rate", "0"}};
}

struct AdminEndpoint {
  std::string label;
  std::string method;
  std::string path;
  std::function<Members()> members;
};

const std::vector<AdminEndpoint>& AdminEndpoints() {
  static const std::vector<AdminEndpoint> e = {
      {"create movie", "POST", kAdminMovies, MovieMembers},
      {"patch movie", "PATCH", AdminMoviePath(Target().movie), MovieMembers},
      {"create theatre", "POST", kAdminTheatres, TheatreMembers},
      {"create show", "POST", kAdminShows, ShowMembers},
  };
  return e;
}

// A member that is refused with 422 naming `detail_field` (the member itself unless said).
struct Hostility {
  std::string field;
  std::string raw;
  std::string detail_field;
};

// Sends each hostility to each endpoint that has the field: 422 validation_failed naming
// the field, never anything else.
void ExpectAllRefused(const std::vector<Hostility>& cases) {
  for (const AdminEndpoint& e : AdminEndpoints()) {
    for (const Hostility& h : cases) {
      Members members = e.members();
      bool has = false;
      for (const auto& m : members) has = has || m.first == h.field;
      if (!has) continue;
      const std::string body = ObjectWith(members, h.field, h.raw);
      SCOPED_TRACE(e.label + ": " + body.substr(0, 200));
      const Response r = AsAdmin(e.method, e.path, body);
      EXPECT_TRUE(IsRefusedField(r, h.detail_field.empty() ? h.field : h.detail_field));
    }
  }
}

class HostileAdmin : public Hostile {
 protected:
  void SetUp() override {
    Hostile::SetUp();
    Target();
  }
  void TearDown() override {
    Hostile::TearDown();
    CheckAdminTarget(db());
  }
};

std::size_t CodePoints(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

TEST_F(HostileAdmin, TextWithSqlMetacharactersIsStoredVerbatim) {
  const AdminTarget& t = Target();
  for (const auto& inj : Injections()) {
    SCOPED_TRACE(inj);
    const std::string title = Tag() + " " + inj;
    const std::string rating = CodePoints(inj) <= 16 ? inj : "PG";
    const Response movie = client.post(kAdminMovies, JsonBody(Json::object()
                                                                  .set("title", title)
                                                                  .set("description", inj)
                                                                  .set("duration_mins", 90)
                                                                  .set("rating", rating),
                                                              t.admin.token));
    ASSERT_TRUE(IsJson(movie, 201));
    Count(&Made::movies);
    const std::int64_t id = movie.json["id"].integer();
    EXPECT_EQ(MovieRow(db(), id), Hex(title) + "|" + Hex(inj) + "|90|" + rating);
    const Response patched = client.patch(
        AdminMoviePath(id), JsonBody(Json::object().set("description", inj + inj), t.admin.token));
    ASSERT_TRUE(IsJson(patched, 200));
    Count(&Made::updates);
    EXPECT_EQ(MovieRow(db(), id), Hex(title) + "|" + Hex(inj + inj) + "|90|" + rating);

    const Response theatre =
        client.post(kAdminTheatres,
                    JsonBody(TheatreBody(title, {{"A", 1}}).set("location", inj), t.admin.token));
    ASSERT_TRUE(IsJson(theatre, 201));
    Count(&Made::theatres);
    EXPECT_EQ(TheatreRow(db(), theatre.json["id"].integer()),
              Hex(title) + "|" + Hex(inj) + "|UTC|1A1");
    EXPECT_EQ(theatre.json["location"].string(), inj);
  }
}

TEST_F(HostileAdmin, FieldsOfTheWrongTypeAre422AndStoreNothing) {
  const std::vector<std::string> not_strings = {
      R"({"$ne":""})", R"({"$gt":0})", R"(["x"])", "[]", "{}", "true", "0", "1.5"};
  const std::vector<std::string> not_integers = {R"("90")",      R"("90; DROP TABLE movies; --")",
                                                 R"({"$gt":0})", "[90]",
                                                 "true",         "90.5",
                                                 "90.0",         "9e1",
                                                 R"("")"};
  std::vector<Hostility> cases;
  for (const std::string field :
       {"title", "description", "rating", "name", "location", "timezone", "time", "on_sale_at"}) {
    for (const auto& v : not_strings) cases.push_back({field, v, ""});
  }
  for (const std::string field :
       {"duration_mins", "price_cents", "queue_rate", "movie_id", "theatre_id"}) {
    for (const auto& v : not_integers) cases.push_back({field, v, ""});
  }
  for (const auto& v : not_strings) {
    cases.push_back({"rows", R"([{"row":)" + v + R"(,"seats":2}])", "rows"});
  }
  for (const auto& v : not_integers) {
    cases.push_back({"rows", R"([{"row":"A","seats":)" + v + "}]", "rows"});
  }
  for (const std::string v : {R"("A")", "2", "true", R"({"$ne":[]})", R"([[{"row":"A"}]])"}) {
    cases.push_back({"rows", v, "rows"});
  }
  ExpectAllRefused(cases);
}

TEST_F(HostileAdmin, HugeNumbersAre422AndNeverWrapAround) {
  // 4294967386 is 90 and 4294967296 is 0 in 32 bits; 18446744073709551617 is 1 in 64.
  const std::vector<std::string> past_int32 = {
      "2147483648", "4294967296", "4294967297", "4294967386", "-2147483649", "1e9", "1.0e2"};
  const std::vector<std::string> past_int64 = {"9223372036854775808", "-9223372036854775809",
                                               "18446744073709551617", "99999999999999999999"};
  std::vector<Hostility> cases;
  for (const std::string field : {"duration_mins", "price_cents", "queue_rate"}) {
    for (const auto& v : past_int32) cases.push_back({field, v, ""});
  }
  for (const std::string field :
       {"duration_mins", "price_cents", "queue_rate", "movie_id", "theatre_id"}) {
    for (const auto& v : past_int64) cases.push_back({field, v, ""});
  }
  for (const auto& v : past_int32) {
    cases.push_back({"rows", R"([{"row":"A","seats":)" + v + "}]", "rows"});
  }
  ExpectAllRefused(cases);
  // An id past 32 bits is an id like any other: unknown, not this suite's movie or theatre
  // cut down to its low 32 bits.
  const std::int64_t wrap = std::int64_t{1} << 32;
  for (const auto& [field, code, id] : {std::tuple<std::string, std::string, std::int64_t>{
                                            "movie_id", "movie_not_found", Target().movie},
                                        {"theatre_id", "theatre_not_found", Target().theatre}}) {
    const std::string body = ObjectWith(ShowMembers(), field, Str(wrap + id));
    EXPECT_TRUE(IsProblem(AsAdmin("POST", kAdminShows, body), 404, code)) << body;
  }
  // Past what a double holds: the parser meets the number before it knows the field, so
  // only the status and the code are promised.
  for (const AdminEndpoint& e : AdminEndpoints()) {
    for (const std::string& v : {"1e400"s, "1" + std::string(400, '0')}) {
      const Members members = e.members();
      const std::string field = members[2].first;  // duration_mins, timezone, time
      SCOPED_TRACE(e.label + " " + field + " " + v.substr(0, 10));
      EXPECT_TRUE(IsProblem(AsAdmin(e.method, e.path, ObjectWith(members, field, v)), 422,
                            "validation_failed"));
    }
  }
}

TEST_F(HostileAdmin, NulOrControlCharactersInStringsAre422EvenWhereTheTextBeforeIsValid) {
  const std::string time = FormatTime(db().now() + std::chrono::hours(24 * 399));
  std::vector<Hostility> cases = {
      {"title", Json(Tag() + "\0"s).dump(), ""},
      {"title", Json(Tag() + "\0'); DROP TABLE movies; --"s).dump(), ""},
      {"description", Json("ok\0' OR 1=1 --"s).dump(), ""},
      {"rating", Json("PG\0"s).dump(), ""},
      {"rating", Json("\0"s).dump(), ""},
      {"name", Json(Tag() + "\0"s).dump(), ""},
      {"location", Json("ok\0"s).dump(), ""},
      {"timezone", Json("UTC\0"s).dump(), ""},
      {"timezone", Json("Europe/Berlin\0../../etc/passwd"s).dump(), ""},
      {"time", Json(time + "\0"s).dump(), ""},
      {"on_sale_at", Json(time + "\0"s).dump(), ""},
      {"rows", R"([{"row":"A\u0000","seats":2}])", "rows"},
      {"rows", R"([{"row":"\u0000","seats":2}])", "rows"},
      {"title", Json(Tag() + "\x1b[2J").dump(), ""},
      {"name", Json(Tag() + "\x7f").dump(), ""},
      {"rating", Json("P\rG").dump(), ""},
  };
  ExpectAllRefused(cases);
}

TEST_F(HostileAdmin, OverlongStringsAre422AndStoreNothing) {
  // Each body stays under nginx's 16 KiB, so the service itself must refuse it.
  const std::string grin = "\xF0\x9F\x98\x80";
  std::string grins;
  for (int i = 0; i < 3000; ++i) grins += grin;
  std::vector<Hostility> cases;
  for (const std::string field : {"title", "description", "rating", "name", "location"}) {
    cases.push_back({field, Json(Tag() + std::string(kVeryLong, '\'')).dump(), ""});
  }
  for (const std::string field : {"title", "rating", "name", "location"}) {
    cases.push_back({field, Json(Tag() + grins).dump(), ""});
  }
  cases.push_back({"timezone", Json("Europe/" + std::string(kVeryLong, 'B')).dump(), ""});
  cases.push_back({"time", Json(std::string(kVeryLong, '2')).dump(), ""});
  cases.push_back({"on_sale_at", Json(std::string(kVeryLong, '2')).dump(), ""});
  cases.push_back(
      {"rows", R"([{"row":")" + std::string(kVeryLong, 'A') + R"(","seats":2}])", "rows"});
  ExpectAllRefused(cases);
}

TEST_F(HostileAdmin, BadRowsAre422AndStoreNothing) {
  auto rows_of = [](const std::vector<std::string>& names) {
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) {
      out += (i ? "," : "") + R"({"row":)"s + Json(names[i]).dump() + R"(,"seats":1})";
    }
    return out + "]";
  };
  std::vector<Hostility> cases;
  for (const std::string name : {"A'",
                                 "A;",
                                 "'",
                                 "--",
                                 "A--",
                                 "A B",
                                 " A",
                                 "A ",
                                 "A\t",
                                 "a",
                                 "aa",
                                 "Aa",
                                 "A1",
                                 "1",
                                 "AAA",
                                 "\xC3\x84",
                                 "\xC3\x85\xC3\x85",
                                 "A\xCC\x81",
                                 "\xEF\xBC\xA1",
                                 "A%",
                                 "_",
                                 "*",
                                 "",
                                 "' OR 1=1 --",
                                 "A'); DROP TABLE theatre_rows; --"}) {
    cases.push_back({"rows", rows_of({name}), "rows"});
  }
  std::vector<std::string> alphabet;
  for (char c = 'A'; c <= 'Z'; ++c) alphabet.emplace_back(1, c);
  std::vector<std::string> twenty_seven = alphabet;
  twenty_seven.push_back("AA");
  std::vector<std::string> hundred;
  for (char a = 'A'; a <= 'D'; ++a) {
    for (char b = 'A'; b <= 'Y'; ++b) hundred.push_back(std::string{a, b});
  }
  std::vector<std::string> repeated_last = alphabet;
  repeated_last.back() = "A";
  cases.push_back({"rows", rows_of(twenty_seven), "rows"});
  cases.push_back({"rows", rows_of(hundred), "rows"});
  cases.push_back({"rows", rows_of(repeated_last), "rows"});
  cases.push_back({"rows", rows_of({"AA", "B", "AA"}), "rows"});
  ExpectAllRefused(cases);
}

TEST_F(HostileAdmin, BadTimeStringsAre422AndStoreNothing) {
  std::vector<Hostility> cases;
  for (const std::string text : {"2099-01-01T10:00:00Z' OR '1'='1",
                                 "2099-01-01T10:00:00Z; DROP TABLE shows; --",
                                 "NOW()",
                                 "CURRENT_TIMESTAMP",
                                 "UTC_TIMESTAMP() + INTERVAL 1 DAY",
                                 "2099-01-01 10:00:00",
                                 "2099-01-01T10:00:00+05:30:00",
                                 "2099-01-01T10:00:00.000Z0",
                                 "2099-01-01T10:00:00ZZ",
                                 "2099-W01-1T10:00:00Z",
                                 "+2099-01-01T10:00:00Z",
                                 "2099-01-01T10:00:00+99:99",
                                 "2099-01-01T10:00:00Z\n",
                                 "2099-01-01T1O:00:00Z",
                                 "\xD9\xA2\xD9\xA0\xD9\xA9\xD9\xA9-01-01T10:00:00Z",
                                 "10000-01-01T00:00:00Z",
                                 "0000-01-01T00:00:00Z",
                                 "1969-12-31T23:59:59Z",
                                 "2099-01-01T10:00:00.00000000000000000001Z",
                                 "2099-00-10T10:00:00Z",
                                 "2099-01-00T10:00:00Z",
                                 "-2099-01-01T10:00:00Z"}) {
    cases.push_back({"time", Json(text).dump(), ""});
    if (text.rfind("1969", 0) != 0 && text.rfind("0000", 0) != 0) {
      cases.push_back({"on_sale_at", Json(text).dump(), ""});
    }
  }
  ExpectAllRefused(cases);
}

TEST_F(HostileAdmin, ShowsAtTheEndOfTimeAreStillCheckedForOverlaps) {
  // The database's DATETIME ends at 9999-12-31 23:59:59: a show starting in the last
  // minute (the target movie runs 1 minute) ends after it. Refusing such a time is fine;
  // accepting it and then letting a second show overlap it (an end past the range read as
  // NULL, say) is not, and neither is a 5xx.
  const Response first =
      AsAdmin("POST", kAdminShows, ObjectWith(ShowMembers(), "time", R"("9999-12-31T23:59:59Z")"));
  if (first.status != 201) {
    EXPECT_TRUE(IsRefusedField(first, "time"));
    return;
  }
  Count(&Made::shows);
  const Response second =
      AsAdmin("POST", kAdminShows, ObjectWith(ShowMembers(), "time", R"("9999-12-31T23:59:30Z")"));
  if (second.status == 201) Count(&Made::shows);
  EXPECT_TRUE(IsOneOf(second, {{409, "show_overlaps"}, {422, "validation_failed"}}));
}

TEST_F(HostileAdmin, HostilePathIdsAre404NotFound) {
  for (const auto& id : HostilePathIds()) {
    SCOPED_TRACE("id \"" + id + "\"");
    EXPECT_TRUE(IsProblem(AsAdmin("PATCH", "/api/v1/admin/movies/" + id, R"({"title":"x"})"), 404,
                          "not_found"));
    EXPECT_TRUE(IsProblem(AsAdmin("DELETE", "/api/v1/admin/shows/" + id, ""), 404, "not_found"));
    EXPECT_TRUE(
        IsProblem(AsAdmin("GET", "/api/v1/admin/shows/" + id + "/report", ""), 404, "not_found"));
  }
}

TEST_F(HostileAdmin, DuplicateKeysAreRefusedAndStoreNothing) {
  const std::string title = Json(Tag() + " duplicate").dump();
  for (const AdminEndpoint& e : AdminEndpoints()) {
    const Members members = e.members();
    const std::string body = ObjectWith(members, "", "");
    // The first member again, with another value.
    const std::string again = body.substr(0, body.size() - 1) + "," +
                              Json(members[0].first).dump() + ":" +
                              (members[0].first == "title" || members[0].first == "name"
                                   ? title
                                   : Str(Target().movie + 1000000)) +
                              "}";
    SCOPED_TRACE(e.label + ": " + again.substr(0, 200));
    EXPECT_TRUE(IsInvalidJsonOrValidation(AsAdmin(e.method, e.path, again)));
  }
  const std::string row_twice =
      ObjectWith(TheatreMembers(), "rows", R"([{"row":"A","seats":1,"row":"B"}])");
  EXPECT_TRUE(IsInvalidJsonOrValidation(AsAdmin("POST", kAdminTheatres, row_twice))) << row_twice;
}

}  // namespace
}  // namespace seats_test
