// Behind a proxy (API.md Part 2, "Deployment and upgrades": TRUSTED_PROXIES): nginx takes the
// client address from X-Forwarded-For only when the request comes from a trusted proxy, so
// the per-address rate limits count customers behind the proxy, and a client elsewhere
// cannot pick its own address by sending the header. Measured on the login limit (5 r/s,
// burst 20), with bodies that fail validation (422) so nothing else (the per-account login
// throttle, bcrypt) is involved.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "support/api.hpp"
#include "support/assertions.hpp"
#include "support/env.hpp"
#include "support/parallel.hpp"

namespace seats_test {
namespace {

constexpr int kRequests = 40;  // twice the burst, at once

// A loopback address inside the stack's TRUSTED_PROXIES (the test stack trusts
// 127.3.0.0/16); empty when the stack trusts no such range.
std::string ProxyAddress() {
  const std::string trusted = EnvOr("TRUSTED_PROXIES", "");
  return trusted.find("127.3.0.0/16") != std::string::npos ? "127.3.0.1" : "";
}

// kRequests logins at once from `from`, the i-th claiming to be forwarded for forwarded(i);
// returns how many nginx refused with 429.
int Limited(const std::string& from, const std::function<std::string(int)>& forwarded) {
  const auto answers = RunTogether(
      kRequests,
      [&](int i, Client& c) {
        Request request = RawBody("{}");
        const std::string client = forwarded(i);
        if (!client.empty()) request.Header("X-Forwarded-For: " + client);
        return c.post("/api/v1/login", request);
      },
      from);
  int limited = 0;
  for (const Response& r : answers) {
    if (r.status == 429) {
      EXPECT_TRUE(IsProblem(r, 429, "too_many_requests"));
      ++limited;
    } else {
      EXPECT_TRUE(IsProblem(r, 422, "validation_failed")) << r.describe();
    }
  }
  return limited;
}

class Proxy : public ApiTest {
 protected:
  void SetUp() override {
    if (settings().login_rate == 0) GTEST_SKIP() << "LOGIN_RATE=0 turns the login limit off";
    if (ProxyAddress().empty()) {
      GTEST_SKIP() << "the stack does not trust 127.3.0.0/16 (TRUSTED_PROXIES="
                   << EnvOr("TRUSTED_PROXIES", "") << "); scripts/test's stack does";
    }
  }
};

TEST_F(Proxy, CustomersBehindATrustedProxyEachHaveTheirOwnLimit) {
  // Distinct customers (documentation addresses, one per request) through one proxy.
  const int limited = Limited(ProxyAddress(), [](int i) {
    return "198.51.100." + std::to_string(i + 1) + ", " + "127.3.0.1";
  });
  EXPECT_EQ(limited, 0) << "customers behind the proxy shared one rate-limit bucket";
}

TEST_F(Proxy, OneCustomerBehindATrustedProxyIsStillLimited) {
  const int limited = Limited(ProxyAddress(), [](int) { return "203.0.113.7"; });
  EXPECT_GT(limited, 0) << "one customer sent " << kRequests << " logins at once, none refused";
}

TEST_F(Proxy, XForwardedForFromAnyoneElseIsIgnored) {
  // An untrusted client naming a new address on each request still has one bucket.
  const int limited =
      Limited(NextSourceAddress(), [](int i) { return "192.0.2." + std::to_string(i + 1); });
  EXPECT_GT(limited, 0) << "an untrusted client escaped its limit with X-Forwarded-For";
}

}  // namespace
}  // namespace seats_test
