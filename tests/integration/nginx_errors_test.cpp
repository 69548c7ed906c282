// The answers nginx gives on its own, before seatd sees a request (conf/nginx/seats.conf.in),
// and the static page it serves. API.md: every error, nginx's included, is
// application/problem+json with a `code`; nothing here may fall back to nginx's HTML pages.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/raw_http.hpp"

#ifndef SEATS_WEB_DIR
#error "SEATS_WEB_DIR (the web/ folder nginx serves) is set by tests/integration/CMakeLists.txt"
#endif

namespace seats_test {
namespace {

using namespace std::string_literals;

// nginx's URI and header line limit (large_client_header_buffers 8k) is well below this.
constexpr std::size_t kLongerThanNginxLines = 10000;
constexpr std::size_t kOverBodyLimit = 20 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// nginx's own error pages are HTML with a <center>nginx</center> footer; a problem body
// never has markup.
::testing::AssertionResult NoHtml(const Response& r) {
  const std::string body = Lower(r.body);
  for (const char* mark : {"<html", "<body", "<center", "<!doctype", "<h1", "<hr"}) {
    if (body.find(mark) != std::string::npos) {
      return ::testing::AssertionFailure() << "body holds " << mark << "\n  " << r.describe();
    }
  }
  return ::testing::AssertionSuccess();
}

// server_tokens off: the version never shows.
::testing::AssertionResult ServerIsPlainNginx(const Response& r) {
  if (r.header("server") == "nginx") return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "Server: \"" << r.header("server") << "\" (want exactly \"nginx\")\n  " << r.describe();
}

// The whole promise for an error nginx makes: the problem shape with its code, no HTML,
// no version, and not cached by anyone on the way.
::testing::AssertionResult IsNginxProblem(const Response& r, long status, const std::string& code) {
  if (auto p = IsProblem(r, status, code); !p) return p;
  if (auto p = NoHtml(r); !p) return p;
  if (auto p = ServerIsPlainNginx(r); !p) return p;
  if (r.header("cache-control") != "no-store") {
    return ::testing::AssertionFailure()
           << "an error answer must carry Cache-Control: no-store\n  " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

// The seconds of a Cache-Control max-age directive; 0 when there is none.
long MaxAge(const std::string& cache_control) {
  const std::string cc = Lower(cache_control);
  const auto at = cc.find("max-age=");
  if (at == std::string::npos) return 0;
  return std::strtol(cc.c_str() + at + 8, nullptr, 10);
}

class NginxErrors : public ApiTest {};
class StaticSite : public ApiTest {};

TEST_F(NginxErrors, PathOutsideTheApiAndTheSiteIs404Problem) {
  for (const std::string path :
       {"/nope.txt", "/nope", "/nope.html", "/js/nope.js", "/css/nope.css", "/img/logo.png", "/api",
        "/api/v2/movies", "/.env", "/.git/config"}) {
    SCOPED_TRACE(path);
    Client c;
    EXPECT_TRUE(IsNginxProblem(c.get(path), 404, "not_found"));
  }
}

TEST_F(NginxErrors, ApiBaseWithoutItsSlashIs404NotFound) {
  // Not a route (API.md: unknown route is 404 not_found); nginx's habit of redirecting a
  // prefix location's bare name answers with its HTML page instead.
  for (const std::string path : {"/api/v1", "/api/v1?x=1"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsNginxProblem(client.get(path), 404, "not_found"));
  }
}

TEST_F(NginxErrors, DirectoryNameWithoutItsSlashGetsNoHtmlPage) {
  // A redirect to the directory is fine, a problem is fine; nginx's HTML page is not.
  for (const std::string path : {"/js", "/css"}) {
    SCOPED_TRACE(path);
    const Response r = client.get(path);
    EXPECT_GE(r.status, 300) << r.describe();
    EXPECT_TRUE(NoHtml(r));
    EXPECT_NE(r.media_type(), "text/html") << r.describe();
    EXPECT_TRUE(ServerIsPlainNginx(r));
  }
}

TEST_F(NginxErrors, ErrorPagesThemselvesAreNotReachableFromOutside) {
  // They are internal locations: asking for one directly is an unknown path, not its error.
  for (const std::string status : {"400", "404", "500", "502", "503"}) {
    SCOPED_TRACE("/_seats_error/" + status);
    EXPECT_TRUE(IsNginxProblem(client.get("/_seats_error/" + status), 404, "not_found"));
  }
}

TEST_F(NginxErrors, DirectoryWithoutAnIndexIsAProblemNotAListing) {
  const Response r = client.get("/js/");
  EXPECT_TRUE(r.status == 403 || r.status == 404) << r.describe();
  EXPECT_TRUE(IsNginxProblem(r, r.status, r.status == 403 ? "forbidden" : "not_found"));
  EXPECT_EQ(r.body.find("app.js"), std::string::npos) << "the directory is listed: " << r.body;
}

TEST_F(NginxErrors, OtherMethodsOnStaticFilesAre405ProblemAllowingGetAndHead) {
  struct Case {
    std::string method;
    std::string path;
  };
  const Case cases[] = {{"POST", "/"},
                        {"PUT", "/index.html"},
                        {"DELETE", "/js/app.js"},
                        {"POST", "/css/app.css"},
                        {"PATCH", "/nope.txt"},
                        {"OPTIONS", "/"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    const Response r = client.send(c.method, c.path);
    EXPECT_TRUE(IsNginxProblem(r, 405, "method_not_allowed"));
    const auto allow = r.header_items("allow");
    EXPECT_EQ(allow, (std::set<std::string>{"GET", "HEAD"})) << "Allow: " << r.header("allow");
  }
}

TEST_F(NginxErrors, TraceOnAnApiPathIs405AllowingWhatTheRouteAllows) {
  // nginx refuses TRACE itself, before any location; the Allow header it sends must still be
  // true for the path asked about (API.md: 405 comes with an Allow header).
  struct Case {
    std::string path;
    std::set<std::string> allowed;
  };
  const Case cases[] = {{"/api/v1/seats/1/lock", {"PATCH", "POST", "DELETE"}},
                        {"/api/v1/bookings", {"GET", "POST"}},
                        {"/api/v1/login", {"POST"}}};
  for (const auto& c : cases) {
    SCOPED_TRACE("TRACE " + c.path);
    const Response r = SendRaw(RawRequest("TRACE", c.path));
    EXPECT_TRUE(IsNginxProblem(r, 405, "method_not_allowed"));
    const auto allow = r.header_items("allow");
    for (const auto& m : c.allowed) {
      EXPECT_EQ(allow.count(m), 1u) << "Allow: \"" << r.header("allow") << "\" lacks " << m;
    }
    for (const auto& m : allow) {
      EXPECT_TRUE(c.allowed.count(m) == 1 || (m == "HEAD" && c.allowed.count("GET") == 1))
          << "Allow: \"" << r.header("allow") << "\" offers " << m << ", which " << c.path
          << " refuses";
    }
  }
}

TEST_F(NginxErrors, OversizedBodyIs413ProblemHoweverItArrives) {
  // errors_test sends a plain 20 KiB body to the API; these are the other ways in.
  const std::string big(kOverBodyLimit, 'x');
  EXPECT_TRUE(
      IsNginxProblem(SendRaw(RawRequest("POST", "/api/v1/login", {"Content-Length: 1000000"})), 413,
                     "payload_too_large"))
      << "a declared length is refused before any byte of the body";

  std::string chunked;
  for (std::size_t i = 0; i < big.size(); i += 4096) {
    chunked += "1000\r\n" + big.substr(i, 4096) + "\r\n";
  }
  chunked += "0\r\n\r\n";
  EXPECT_TRUE(IsNginxProblem(
      SendRaw(RawRequest("POST", "/api/v1/register", {"Transfer-Encoding: chunked"}, chunked)), 413,
      "payload_too_large"))
      << "a chunked body has no declared length, and is still capped";

  Client c;
  EXPECT_TRUE(IsNginxProblem(c.post("/", RawBody(big)), 413, "payload_too_large"));
}

TEST_F(NginxErrors, UriLongerThanNginxAcceptsIs414Problem) {
  const std::string longer(kLongerThanNginxLines, 'a');
  const std::string digits(kLongerThanNginxLines, '7');
  for (const std::string& path :
       {"/api/v1/movies?x=" + longer, "/" + longer, "/api/v1/shows/" + digits + "/seats"}) {
    SCOPED_TRACE(path.substr(0, 40) + "...");
    Client c;
    EXPECT_TRUE(IsNginxProblem(c.get(path), 414, "uri_too_long"));
  }
}

TEST_F(NginxErrors, MalformedRequestsAre400Problems) {
  struct Case {
    std::string label;
    std::string bytes;
  };
  const Case cases[] = {
      {"not HTTP", "GARBAGE\r\n\r\n"},
      {"lower-case method", "get /api/v1/movies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"HTTP/1.1 without Host", "GET /api/v1/movies HTTP/1.1\r\nConnection: close\r\n\r\n"},
      {"invalid Host", "GET /api/v1/movies HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n"},
      {"two Host headers",
       "GET /api/v1/movies HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n"},
      {"NUL in a header",
       "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\nConnection: close\r\n\r\n"s},
      {"path above the root", RawRequest("GET", "/../../etc/passwd")},
      {"NUL in the path", RawRequest("GET", "/api/v1/shows/1%00/seats")},
      {"broken percent-encoding", RawRequest("GET", "/%zz/index.html")},
      {"negative Content-Length",
       RawRequest("POST", "/api/v1/login", {"Content-Length: -1"}, "{}")},
      {"Content-Length and Transfer-Encoding",
       RawRequest("POST", "/api/v1/login", {"Content-Length: 2", "Transfer-Encoding: chunked"},
                  "0\r\n\r\n")},
      {"chunk size not hex", RawRequest("POST", "/api/v1/login", {"Transfer-Encoding: chunked"},
                                        "zz\r\n{}\r\n0\r\n\r\n")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_TRUE(IsNginxProblem(SendRaw(c.bytes), 400, "bad_request"));
  }
}

TEST_F(NginxErrors, UnsupportedVersionAndTransferCodingAreProblemsToo) {
  // Not in API.md's list, but "every error" is problem+json; the codes are the ones the
  // server block gives them.
  EXPECT_TRUE(IsNginxProblem(SendRaw("GET /api/v1/health HTTP/9.9\r\nHost: x\r\n\r\n"), 505,
                             "bad_request"));
  EXPECT_TRUE(IsNginxProblem(SendRaw(RawRequest("POST", "/api/v1/login",
                                                {"Transfer-Encoding: gzip, chunked"}, "0\r\n\r\n")),
                             501, "not_implemented"));
}

TEST_F(NginxErrors, ServerHeaderNeverCarriesTheVersion) {
  Client c;
  const Response answers[] = {
      c.get("/api/v1/health"),        // seatd through nginx
      c.get("/api/v1/shows/1/nope"),  // seatd's own problem
      c.get("/nope.txt"),             // nginx's problem
      c.get("/"),                     // a static file
      SendRaw("GARBAGE\r\n\r\n"),     // refused while reading the request line
      c.get("/" + std::string(kLongerThanNginxLines, 'a')),
  };
  for (const auto& r : answers) EXPECT_TRUE(ServerIsPlainNginx(r));
}

TEST_F(StaticSite, RootServesTheIndexPageAsHtml) {
  const std::string index = ReadFile(std::filesystem::path(SEATS_WEB_DIR) / "index.html");
  for (const std::string path : {"/", "/index.html"}) {
    SCOPED_TRACE(path);
    const Response r = client.get(path);
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.media_type(), "text/html") << r.describe();
    EXPECT_NE(Lower(r.header("content-type")).find("charset=utf-8"), std::string::npos)
        << r.describe();
    EXPECT_TRUE(r.body == index) << "the page served is not web/index.html\n  " << r.describe();
    EXPECT_TRUE(ServerIsPlainNginx(r));
  }
}

TEST_F(StaticSite, AdminPathServesTheAdminPageAsHtml) {
  const std::string page = ReadFile(std::filesystem::path(SEATS_WEB_DIR) / "admin" / "index.html");
  const Response r = client.get("/admin/");
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.media_type(), "text/html") << r.describe();
  EXPECT_TRUE(r.body == page) << "the page served is not web/admin/index.html\n  " << r.describe();
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << r.describe();
  EXPECT_TRUE(ServerIsPlainNginx(r));
}

TEST_F(StaticSite, ScriptsAndStylesAreServedCacheably) {
  std::vector<std::filesystem::path> assets;
  for (const char* dir : {"js", "css"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(SEATS_WEB_DIR) / dir)) {
      const auto ext = entry.path().extension();
      if (ext == ".js" || ext == ".css") assets.push_back(entry.path());
    }
  }
  ASSERT_GE(assets.size(), 2u) << "web/ has no scripts or styles";
  for (const auto& file : assets) {
    const std::string path =
        "/" + file.parent_path().filename().string() + "/" + file.filename().string();
    SCOPED_TRACE(path);
    const Response r = client.get(path);
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_TRUE(r.body == ReadFile(file)) << "the file served differs from " << file;
    if (file.extension() == ".js") {
      EXPECT_TRUE(r.media_type() == "application/javascript" || r.media_type() == "text/javascript")
          << r.describe();
    } else {
      EXPECT_EQ(r.media_type(), "text/css") << r.describe();
    }
    const std::string cc = Lower(r.header("cache-control"));
    EXPECT_EQ(cc.find("no-store"), std::string::npos) << "Cache-Control: " << cc;
    const bool fresh_for_a_while = MaxAge(cc) > 0;
    const bool validatable = !r.header("etag").empty() || !r.header("last-modified").empty();
    EXPECT_TRUE(fresh_for_a_while || validatable)
        << "neither a max-age nor a validator\n  " << r.describe();
    if (!r.header("etag").empty()) {
      // A validator is only worth sending if it is honoured.
      const Response again =
          client.get(path, Request().Header("If-None-Match: " + r.header("etag")));
      EXPECT_EQ(again.status, 304) << again.describe();
      EXPECT_TRUE(again.body.empty()) << again.describe();
    }
  }
}

TEST_F(StaticSite, ApiAnswersAreNeverCached) {
  const User u = RegisterUser("nginx.nostore");
  Client c;
  const Response answers[] = {
      c.get("/api/v1/health"),
      c.get("/api/v1/movies"),
      c.get("/api/v1/bookings", Auth(u.token)),
      c.get("/api/v1/bookings"),            // seatd's 401
      c.get("/api/v1/nope"),                // seatd's 404
      c.send("OPTIONS", "/api/v1/movies"),  // seatd's 405
      PostLogin(Json::object().set("email", u.email).set("password", u.password)),
      PostLogin(Json::object().set("email", u.email).set("password", "wrong password")),
      c.get("/api/v1/movies?x=" + std::string(kLongerThanNginxLines, 'a')),  // nginx's 414
  };
  for (const auto& r : answers) {
    SCOPED_TRACE(r.request.substr(0, 80));
    EXPECT_LT(r.status, 500) << r.describe();
    // Exactly one directive: seatd's own Cache-Control is hidden so nginx's is the only one.
    EXPECT_EQ(r.header("cache-control"), "no-store") << r.describe();
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << r.describe();
  }
}

}  // namespace
}  // namespace seats_test
