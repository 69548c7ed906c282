#include "support/assertions.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

namespace seats_test {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reason phrases a problem's title may carry (RFC 9110, and the older names nginx uses).
const std::vector<std::string>& Titles(long status) {
  static const std::map<long, std::vector<std::string>> titles = {
      {400, {"Bad Request"}},
      {401, {"Unauthorized"}},
      {404, {"Not Found"}},
      {405, {"Method Not Allowed"}},
      {409, {"Conflict"}},
      {413, {"Content Too Large", "Payload Too Large", "Request Entity Too Large"}},
      {414, {"URI Too Long", "Request-URI Too Large"}},
      {422, {"Unprocessable Content", "Unprocessable Entity"}},
      {429, {"Too Many Requests"}},
      {500, {"Internal Server Error"}},
      {502, {"Bad Gateway"}},
      {503, {"Service Unavailable"}},
      {504, {"Gateway Timeout"}},
  };
  static const std::vector<std::string> none;
  const auto it = titles.find(status);
  return it == titles.end() ? none : it->second;
}

}  // namespace

::testing::AssertionResult IsJson(const Response& r, long status) {
  if (r.status != status) {
    return ::testing::AssertionFailure()
           << "expected " << status << " application/json\n  " << r.describe();
  }
  if (r.media_type() != "application/json") {
    return ::testing::AssertionFailure()
           << "expected Content-Type application/json\n  " << r.describe();
  }
  if (!r.json.present()) {
    return ::testing::AssertionFailure() << "body is not JSON\n  " << r.describe();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsProblem(const Response& r, long status, const std::string& code) {
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure() << "expected " << status << " problem+json code=" << code
                                         << ": " << what << "\n  " << r.describe();
  };
  if (r.status != status) return fail("wrong status");
  if (r.media_type() != "application/problem+json") return fail("wrong Content-Type");
  const Json& j = r.json;
  if (!j.is_object()) return fail("body is not a JSON object");
  if (!j["type"].is_string()) return fail("\"type\" is not a string");
  if (j["type"].string() != "about:blank") return fail("\"type\" is not \"about:blank\"");
  const auto& titles = Titles(status);
  if (!j["title"].is_string() ||
      (!titles.empty() &&
       std::find(titles.begin(), titles.end(), j["title"].string()) == titles.end())) {
    return fail("\"title\" is not the reason phrase of the status");
  }
  if (!j["status"].is_integer() || j["status"].integer() != status) {
    return fail("\"status\" member differs from the HTTP status");
  }
  if (j["code"].string() != code) return fail("wrong \"code\"");
  if (!j["detail"].is_string() || j["detail"].string().empty()) {
    return fail("\"detail\" missing or empty");
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HasExactKeys(const Json& v, const std::set<std::string>& keys) {
  if (!v.is_object()) return ::testing::AssertionFailure() << "not an object: " << v.dump();
  const auto got = v.keys();
  if (got == keys) return ::testing::AssertionSuccess();
  std::string want;
  for (const auto& k : keys) want += " " + k;
  std::string have;
  for (const auto& k : got) have += " " + k;
  return ::testing::AssertionFailure()
         << "members differ: want {" << want << " } got {" << have << " } in " << v.dump();
}

::testing::AssertionResult DetailMentions(const Response& r, const std::string& word) {
  const std::string detail = r.json["detail"].string();
  if (Lower(detail).find(Lower(word)) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "detail does not name \"" << word << "\"\n  " << r.describe();
}

}  // namespace seats_test
