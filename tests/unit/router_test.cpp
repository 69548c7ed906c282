#include "http/router.hpp"

#include <gtest/gtest.h>

#include "handlers/handlers.hpp"

namespace seats {
namespace {

TEST(PathId, AcceptsCanonicalPositiveIntegers) {
  EXPECT_EQ(parse_path_id("1"), 1);
  EXPECT_EQ(parse_path_id("501"), 501);
  EXPECT_EQ(parse_path_id("9223372036854775807"), INT64_MAX);
}

TEST(PathId, RejectsEveryNonCanonicalForm) {
  for (const char* bad : {"", "0", "-1", "01", "+1", "abc", "1e3", "1.0", " 1", "1 ",
                          "9223372036854775808", "99999999999999999999999", "0x10"}) {
    EXPECT_FALSE(parse_path_id(bad)) << bad;
  }
}

TEST(Router, KnownPathWithWrongMethodListsAllowedMethods) {
  Router router = make_router();
  auto match = router.match("PUT", "/api/v1/seats/5/lock");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.allow, "PATCH, POST, DELETE");
}

TEST(Router, GetRoutesAlsoAllowHead) {
  Router router = make_router();
  EXPECT_EQ(router.match("POST", "/api/v1/movies").allow, "GET, HEAD");
  EXPECT_NE(router.match("HEAD", "/api/v1/movies").handler, nullptr);
}

TEST(Router, BadPathIdIsNotFoundNotMethodNotAllowed) {
  Router router = make_router();
  auto match = router.match("PUT", "/api/v1/movies/01/shows");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.allow.empty());
}

TEST(Router, CapturesTheId) {
  Router router = make_router();
  auto match = router.match("GET", "/api/v1/shows/101/seats");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params.id, 101);
}

TEST(Router, UnknownAndNearMissPathsAreNotFound) {
  Router router = make_router();
  for (const char* path :
       {"/", "/api/v1", "/api/v1/", "/api/v1/movies/", "/api/v1/moviesx", "/api/v1/movies/1/shows/",
        "/api/v1//movies", "/api/v2/movies", "/api/v1/seats/1/lock/extra"}) {
    auto match = router.match("GET", path);
    EXPECT_EQ(match.handler, nullptr) << path;
    EXPECT_TRUE(match.allow.empty()) << path;
  }
}

}  // namespace
}  // namespace seats
