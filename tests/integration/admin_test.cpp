// The operator's side (API.md Part 2, "Roles" and "Operators"): the role is read from the
// database on every admin request, and every /api/v1/admin route refuses a customer and a
// staff member with 403 (taken from the service's own route table, so a new admin route
// cannot be left out of this test).
#include "support/admin.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "handlers/handlers.hpp"
#include "support/api.hpp"
#include "support/assertions.hpp"

namespace seats_test {
namespace {

class Admin : public ApiTest {
 protected:
  User WithRole(const std::string& tag, const std::string& role) {
    return RegisterWithRole(db(), tag, role);
  }
};

TEST_F(Admin, EveryAdminRouteRefusesACustomerAndAStaffMember) {
  const User customer = RegisterUser("admin.customer");
  const User staff = WithRole("admin.staff", "staff");
  int routes = 0;
  const seats::Router router = seats::make_router();
  for (const seats::Route& route : router.routes()) {
    std::string path = route.pattern;
    if (path.rfind("/api/v1/admin/", 0) != 0) continue;
    ++routes;
    for (std::size_t at = path.find(":id"); at != std::string::npos; at = path.find(":id")) {
      path.replace(at, 3, "1");
    }
    SCOPED_TRACE(std::string(route.method) + " " + path);
    const bool has_body =
        std::string(route.method) != "GET" && std::string(route.method) != "DELETE";
    for (const User* u : {&customer, &staff}) {
      Request req = has_body ? RawBody("{}", u->token) : Auth(u->token);
      EXPECT_TRUE(IsProblem(client.send(route.method, path, req), 403, "forbidden")) << u->email;
    }
    Request anonymous = has_body ? RawBody("{}") : Request();
    EXPECT_TRUE(IsProblem(client.send(route.method, path, anonymous), 401, "unauthorized"));
  }
  EXPECT_GT(routes, 0) << "the route table has no admin route";
}

TEST_F(Admin, TheAuditTrailListsTheNewestHundredFirst) {
  const User admin = WithRole("admin.audit", "admin");
  for (const char* detail : {"older", "newer"}) {
    db().exec(std::string("INSERT INTO audit_log (actor_id, action, target, detail) VALUES (") +
              "NULL, 'test.entry', 'user:" + Str(admin.id) + "', '" + detail + "')");
  }
  const Response r = client.get("/api/v1/admin/audit", Auth(admin.token));
  ASSERT_TRUE(IsJson(r, 200));
  ASSERT_TRUE(r.json.is_array());
  EXPECT_LE(r.json.size(), 100u);
  // Other suites running meanwhile add entries of their own: pick this test's two, which
  // are among the newest hundred, and check their order.
  std::vector<Json> mine;
  for (std::size_t i = 0; i < r.json.size(); ++i) {
    const Json e = r.json.at(i);
    if (i > 0) {
      EXPECT_LT(e["id"].integer(), r.json.at(i - 1)["id"].integer()) << "newest first";
    }
    if (e["action"].string() == "test.entry" && e["target"].string() == "user:" + Str(admin.id)) {
      mine.push_back(e);
    }
  }
  ASSERT_EQ(mine.size(), 2u) << r.describe();
  const Json first = mine[0], second = mine[1];
  EXPECT_TRUE(HasExactKeys(first, {"id", "at", "actor_id", "action", "target", "detail"}));
  EXPECT_EQ(first["detail"].string(), "newer");
  EXPECT_EQ(second["detail"].string(), "older");
  EXPECT_TRUE(first["actor_id"].is_null()) << "a change made outside the API has no actor";
  EXPECT_EQ(first["at"].string().back(), 'Z');
}

TEST_F(Admin, ADemotedAdminLosesAccessAtOnceWithTheSameToken) {
  const User admin = WithRole("admin.demoted", "admin");
  ASSERT_TRUE(IsJson(client.get("/api/v1/admin/audit", Auth(admin.token)), 200));
  db().exec("UPDATE users SET role = 'staff' WHERE id = " + Str(admin.id));
  EXPECT_TRUE(IsProblem(client.get("/api/v1/admin/audit", Auth(admin.token)), 403, "forbidden"));
}

}  // namespace
}  // namespace seats_test
