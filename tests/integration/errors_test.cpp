// Routing, path ids, request bodies, the order of checks, and the limits nginx enforces
// (API.md "General" and the error table).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/parallel.hpp"
#include "support/seat_pool.hpp"

namespace seats_test {
namespace {

constexpr const char* kLargestId = "9223372036854775807";

// Every form of a path id that is not [1-9][0-9]* within 1..2^63-1.
const std::vector<std::string>& BadIds() {
  static const std::vector<std::string> ids = {
      "0",   "-1",  "01",   "+1",   "abc",     "1e3", "9223372036854775808", "99999999999999999999",
      "1.0", "0x1", "1abc", "%31a", "00000001"};
  return ids;
}

class Routing : public ApiTest {};
class Bodies : public ApiTest {};
class Limits : public ApiTest {};

TEST_F(Routing, NonCanonicalPathIdsAre404NotFound) {
  const User u = RegisterUser("route.ids");
  for (const auto& id : BadIds()) {
    SCOPED_TRACE("id \"" + id + "\"");
    EXPECT_TRUE(IsProblem(client.get("/api/v1/movies/" + id + "/shows"), 404, "not_found"));
    EXPECT_TRUE(IsProblem(client.get("/api/v1/shows/" + id + "/seats"), 404, "not_found"));
    EXPECT_TRUE(
        IsProblem(client.patch("/api/v1/seats/" + id + "/lock", Auth(u.token)), 404, "not_found"));
    EXPECT_TRUE(IsProblem(client.patch("/api/v1/seats/" + id + "/lock"), 404, "not_found"))
        << "the route is checked before the token";
    EXPECT_TRUE(
        IsProblem(client.post("/api/v1/seats/" + id + "/lock", Auth(u.token)), 404, "not_found"));
    EXPECT_TRUE(
        IsProblem(client.del("/api/v1/seats/" + id + "/lock", Auth(u.token)), 404, "not_found"));
    EXPECT_TRUE(IsProblem(client.del("/api/v1/bookings/" + id, Auth(u.token)), 404, "not_found"));
  }
}

TEST_F(Routing, LargestIdIsAValidIdThatDoesNotExist) {
  const User u = RegisterUser("route.max");
  const std::string id = kLargestId;
  EXPECT_TRUE(IsProblem(client.get("/api/v1/movies/" + id + "/shows"), 404, "movie_not_found"));
  EXPECT_TRUE(IsProblem(client.get("/api/v1/shows/" + id + "/seats"), 404, "show_not_found"));
  EXPECT_TRUE(IsProblem(client.patch("/api/v1/seats/" + id + "/lock", Auth(u.token)), 404,
                        "seat_not_found"));
  EXPECT_TRUE(
      IsProblem(client.del("/api/v1/seats/" + id + "/lock", Auth(u.token)), 404, "seat_not_found"));
  EXPECT_TRUE(
      IsProblem(client.del("/api/v1/bookings/" + id, Auth(u.token)), 404, "booking_not_found"));
}

TEST_F(Routing, UnknownRouteIs404NotFound) {
  for (const std::string path :
       {"/api/v1/nope", "/api/v1/movies/1/nope", "/api/v1/movies/1/shows/extra", "/api/v1/shows/1",
        "/api/v1/seats/1", "/api/v1/seats/1/lock/extra", "/api/v1/bookings/1/seats",
        "/api/v1/movie"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsProblem(client.get(path), 404, "not_found"));
  }
  EXPECT_TRUE(IsProblem(client.post("/api/v1/nope", JsonBody(Json::object())), 404, "not_found"));
}

TEST_F(Routing, WrongMethodIs405WithAnAllowHeader) {
  const std::string show = Str(FutureShows().at(0).id);
  struct Case {
    std::string method;
    std::string path;
    std::set<std::string> allowed;
  };
  const Case cases[] = {
      {"PUT", "/api/v1/movies", {"GET"}},
      {"POST", "/api/v1/movies", {"GET"}},
      {"DELETE", "/api/v1/movies/1/shows", {"GET"}},
      {"POST", "/api/v1/shows/" + show + "/seats", {"GET"}},
      {"GET", "/api/v1/seats/1/lock", {"PATCH", "POST", "DELETE"}},
      {"PUT", "/api/v1/seats/1/lock", {"PATCH", "POST", "DELETE"}},
      {"PUT", "/api/v1/bookings", {"GET", "POST"}},
      {"DELETE", "/api/v1/bookings", {"GET", "POST"}},
      {"PATCH", "/api/v1/bookings/1", {"DELETE"}},
      {"GET", "/api/v1/register", {"POST"}},
      {"GET", "/api/v1/login", {"POST"}},
      {"POST", "/api/v1/health", {"GET"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    const Response r = client.send(c.method, c.path);  // no token: the route comes first
    EXPECT_TRUE(IsProblem(r, 405, "method_not_allowed"));
    const auto allow = r.header_items("allow");
    for (const auto& m : c.allowed) {
      EXPECT_EQ(allow.count(m), 1u) << "Allow: \"" << r.header("allow") << "\" lacks " << m;
    }
    EXPECT_EQ(allow.count(c.method), 0u) << "Allow: \"" << r.header("allow") << "\"";
  }
}

TEST_F(Routing, QueryStringDoesNotChangeTheRoute) {
  const Response plain = client.get("/api/v1/movies");
  const Response with_query = client.get("/api/v1/movies?page=2&x=%2F");
  ASSERT_TRUE(IsJson(with_query, 200));
  EXPECT_EQ(with_query.json, plain.json);
}

TEST_F(Bodies, BodyThatIsNotAJsonObjectIs400InvalidJson) {
  const User u = RegisterUser("body.json");
  const std::string bodies[] = {"not json",
                                "{",
                                "[]",
                                R"([{"show_id":1,"seat_id":1}])",
                                "\"text\"",
                                "42",
                                "null",
                                R"({"show_id":1} trailing)",
                                "{\"show_id\":\"\xFF\xFE\"}",  // not UTF-8
                                "{'show_id':1}"};
  for (const auto& body : bodies) {
    SCOPED_TRACE("body: " + body);
    EXPECT_TRUE(IsProblem(client.post(kBookingsPath, RawBody(body, u.token)), 400, "invalid_json"));
    EXPECT_TRUE(IsProblem(client.post("/api/v1/login", RawBody(body)), 400, "invalid_json"));
    EXPECT_TRUE(
        IsProblem(client.patch(SeatLockPath(std::stoll(kLargestId)), RawBody(body, u.token)), 400,
                  "invalid_json"))
        << "the body is checked before the seat's existence";
  }
}

TEST_F(Bodies, EmptyBookingBodyIs400InvalidJson) {
  const User u = RegisterUser("body.empty");
  EXPECT_TRUE(IsProblem(client.post(kBookingsPath, RawBody("", u.token)), 400, "invalid_json"));
}

TEST_F(Bodies, TokenIsCheckedBeforeTheBody) {
  EXPECT_TRUE(IsProblem(client.post(kBookingsPath, RawBody("{")), 401, "unauthorized"));
  EXPECT_TRUE(
      IsProblem(client.post(kBookingsPath, RawBody("[]", "not-a-token")), 401, "unauthorized"));
}

TEST_F(Bodies, BodyIsCheckedBeforeExistence) {
  const User u = RegisterUser("body.order");
  const Response r = client.post(
      kBookingsPath,
      RawBody(std::string(R"({"show_id":)") + kLargestId + R"(,"seat_id":"x"})", u.token));
  EXPECT_TRUE(IsProblem(r, 422, "validation_failed"));
  EXPECT_TRUE(DetailMentions(r, "seat_id"));
}

TEST_F(Bodies, ExistenceIsCheckedBeforeState) {
  // A seat of a show that started, booked under an unknown show id: the show's existence
  // answers before any state (hold, start time).
  const User u = RegisterUser("body.exists");
  const Response started = client.get(ShowSeatsPath(StartedShowId()));
  ASSERT_TRUE(IsJson(started, 200));
  const std::int64_t seat = started.json.at(0)["id"].integer();
  EXPECT_TRUE(IsProblem(Book(client, u, std::stoll(kLargestId), {seat}), 404, "show_not_found"));
}

TEST_F(Limits, BodyOverSixteenKibIs413ProblemFromNginx) {
  const User u = RegisterUser("limit.413");
  const std::string pad(20 * 1024, 'x');
  const std::string body = R"({"show_id":1,"seat_id":1,"pad":")" + pad + R"("})";
  EXPECT_TRUE(
      IsProblem(client.post(kBookingsPath, RawBody(body, u.token)), 413, "payload_too_large"));
  Client fresh;
  EXPECT_TRUE(IsProblem(fresh.post("/api/v1/login", RawBody(body)), 413, "payload_too_large"));
}

TEST_F(Limits, BodyOfExactlySixteenKibIsNotTooLarge) {
  const std::string head = R"({"email":"nobody@example.com","password":"wrong password","pad":")";
  const std::string tail = R"("})";
  const std::string body = head + std::string(16 * 1024 - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(body.size(), 16u * 1024u);
  Client fresh;
  const Response r = fresh.post("/api/v1/login", RawBody(body));
  EXPECT_NE(r.status, 413) << r.describe();
  EXPECT_GE(r.status, 400) << r.describe();
  EXPECT_LT(r.status, 500) << r.describe();
  EXPECT_EQ(r.media_type(), "application/problem+json") << r.describe();
}

TEST_F(Limits, RapidLoginsFromOneAddressAreRateLimitedWith429) {
  if (settings().login_rate == 0) GTEST_SKIP() << "LOGIN_RATE=0 turns the login limit off";
  constexpr int kLogins = 30;  // burst is 20 at 5 r/s
  const std::string address = NextSourceAddress();
  // One e-mail each: the per-account throttle (LOGIN_FAILURES) answers 429 too, and must not
  // be what this test sees.
  std::vector<std::string> emails;
  for (int i = 0; i < kLogins; ++i) emails.push_back(UniqueEmail("ratelimit"));
  const auto answers = RunTogether(
      kLogins,
      [&](int i, Client& c) {
        return c.post("/api/v1/login",
                      JsonBody(Json::object()
                                   .set("email", emails[static_cast<std::size_t>(i)])
                                   .set("password", "wrong password")));
      },
      address);
  int limited = 0;
  for (const auto& r : answers) {
    if (r.status == 429) {
      ++limited;
      EXPECT_TRUE(IsProblem(r, 429, "too_many_requests"));
    } else {
      EXPECT_TRUE(IsProblem(r, 401, "invalid_credentials"));
    }
  }
  EXPECT_GT(limited, 0) << kLogins << " logins at once from " << address << " were all served";
}

}  // namespace
}  // namespace seats_test
