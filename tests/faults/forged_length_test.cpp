// Fault (hostile peer): a FastCGI client that is not nginx (docker-compose's network reaches
// the pools on TCP 9000) sends a CONTENT_LENGTH that does not describe the body: text that
// atol reads as two billion ("2000000000x", " 2000000000"), a negative or scientific number,
// a length larger or smaller than the body, a body past 16 KiB under a small length.
// Spoken to each pool's Unix socket directly, without nginx.
// Promises: every one is answered at the request edge with a 4xx problem+json
// (invalid_json or payload_too_large, never the handler's answer to a body cut to the
// declared length); the workers stay alive (the same pids); and no worker's peak or current
// resident memory (VmHWM, VmRSS) grows by kWorkerGrowthBoundKb: cgicc never allocates what
// the text claims.
// Before the fix: one "2000000000x" took a worker's VmHWM from 6 MB to 1.96 GB, and a login
// body followed by more bytes than CONTENT_LENGTH declared logged in (200).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "fastcgi.hpp"
#include "invariants.hpp"
#include "processes.hpp"
#include "support/api.hpp"
#include "support/json.hpp"

namespace faults {
namespace {

// A worker's VmHWM is 2-8 MB on the test stack (about 130 MB in the ASan build) and a body
// is at most 16 KiB; cgicc trusting a forged length zero-fills 2 GB.
constexpr long kWorkerGrowthBoundKb = 64 * 1024;
constexpr int kAnswerSeconds = 10;
// Over the 16 KiB a body may have.
constexpr std::size_t kOversizedBody = 20000;

struct Forged {
  std::string label;
  std::string content_length;
  std::string body;
};

// The forged requests for one valid body: every way CONTENT_LENGTH can lie about it.
std::vector<Forged> ForgedLengths(const std::string& body) {
  const std::string size = std::to_string(body.size());
  const std::string oversized(kOversizedBody, ' ');
  return {
      {"trailing letter", "2000000000x", body},
      {"leading space", " 2000000000", body},
      {"trailing space", "2000000000 ", body},
      {"two billion", "2000000000", body},
      {"past 64 bits", "99999999999999999999999", body},
      {"negative", "-1", body},
      {"scientific", "1e9", body},
      {"plus sign", "+" + size, body},
      {"leading zero", "0" + size, body},
      {"hexadecimal", "0x10", body},
      {"larger than the body", std::to_string(body.size() + 100), body},
      {"smaller than the body", size, body + R"({"more":"after the declared end"})"},
      {"much smaller than the body", "2", body},
      {"small length, body over 16 KiB", "10", body + oversized},
      {"no length, body over 16 KiB", "", body + oversized},
  };
}

struct Target {
  std::string pool;  // pid file and socket name in the run directory
  std::string method;
  std::string path;
  std::string body;    // valid for the route: with its true length, it reaches the handler
  long honest_status;  // what the handler answers to it then
};

struct Memory {
  long peak_kb = 0;  // VmHWM
  long rss_kb = 0;   // VmRSS
};

std::map<pid_t, Memory> MemoryOf(const std::vector<pid_t>& workers) {
  std::map<pid_t, Memory> memory;
  for (pid_t pid : workers) memory[pid] = {StatusKb(pid, "VmHWM"), StatusKb(pid, "VmRSS")};
  return memory;
}

long HighestPeakKb(const std::map<pid_t, Memory>& memory) {
  long peak = 0;
  for (const auto& [pid, m] : memory) peak = std::max(peak, m.peak_kb);
  return peak;
}

FastCgiAnswer Send(const Target& target, const std::string& content_length,
                   const std::string& body) {
  return FastCgiRequest(RunDir() + "/" + target.pool + ".sock",
                        {{"REQUEST_METHOD", target.method},
                         {"SCRIPT_NAME", target.path},
                         {"PATH_INFO", ""},
                         {"QUERY_STRING", ""},
                         {"REQUEST_ID", "faults-forged-length"},
                         {"REMOTE_ADDR", "127.0.0.1"},
                         {"SERVER_PROTOCOL", "HTTP/1.1"},
                         {"GATEWAY_INTERFACE", "CGI/1.1"},
                         {"CONTENT_TYPE", "application/json"},
                         {"CONTENT_LENGTH", content_length}},
                        body, kAnswerSeconds);
}

// A refusal at the request edge: 400 invalid_json or 413 payload_too_large, as problem+json.
::testing::AssertionResult IsEdgeRefusal(const FastCgiAnswer& answer) {
  const seats_test::Json problem = seats_test::Json::parse(answer.body);
  const std::string code = problem["code"].string();
  if ((answer.status == 400 && code == "invalid_json") ||
      (answer.status == 413 && code == "payload_too_large")) {
    if (answer.headers.find("application/problem+json") == std::string::npos) {
      return ::testing::AssertionFailure() << "not problem+json: " << answer.headers;
    }
    if (problem["status"].integer() != answer.status) {
      return ::testing::AssertionFailure() << "status in the body differs: " << answer.body;
    }
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "status " << answer.status << " " << answer.error << "\n"
                                       << answer.headers << "\n"
                                       << answer.body.substr(0, 300);
}

// Sends every forged length for each target to `pool`. The workers' peaks are reset first,
// so each VmHWM read afterwards is the highest this test made them reach (without the
// reset, a peak from before the test would hide, or fake, one).
void ExpectForgedLengthsRefused(const Pool& pool, const std::vector<Target>& targets) {
  std::vector<pid_t> workers = pool.Workers();
  std::sort(workers.begin(), workers.end());
  ASSERT_EQ(workers.size(), pool.workers) << "the pool is not complete before the test";
  for (pid_t pid : workers) {
    ASSERT_TRUE(ResetPeakMemory(pid)) << "cannot reset the VmHWM of worker " << pid;
  }
  const std::map<pid_t, Memory> before = MemoryOf(workers);

  for (const Target& target : targets) {
    // With its true length the body reaches the handler: the refusals below are the length's.
    const FastCgiAnswer honest = Send(target, std::to_string(target.body.size()), target.body);
    EXPECT_EQ(honest.status, target.honest_status) << honest.error << honest.headers << "\n"
                                                   << honest.body;

    long peak = HighestPeakKb(before);
    long growth = 0;
    long refused = 0;
    for (const Forged& forged : ForgedLengths(target.body)) {
      SCOPED_TRACE(target.method + " " + target.path + ", CONTENT_LENGTH \"" +
                   forged.content_length + "\" (" + forged.label + "), body of " +
                   std::to_string(forged.body.size()) + " bytes");
      const FastCgiAnswer answer = Send(target, forged.content_length, forged.body);
      const ::testing::AssertionResult refusal = IsEdgeRefusal(answer);
      EXPECT_TRUE(refusal);
      refused += static_cast<bool>(refusal);
      std::vector<pid_t> now = pool.Workers();
      std::sort(now.begin(), now.end());
      EXPECT_EQ(now, workers) << "a worker died (and was replaced)";
      for (const auto& [pid, m] : MemoryOf(workers)) {
        const Memory& was = before.at(pid);
        EXPECT_LT(m.peak_kb - was.peak_kb, kWorkerGrowthBoundKb)
            << "worker " << pid << ": VmHWM " << was.peak_kb << " -> " << m.peak_kb << " kB";
        EXPECT_LT(m.rss_kb - was.rss_kb, kWorkerGrowthBoundKb)
            << "worker " << pid << ": VmRSS " << was.rss_kb << " -> " << m.rss_kb << " kB";
        peak = std::max(peak, m.peak_kb);
        growth = std::max({growth, m.peak_kb - was.peak_kb, m.rss_kb - was.rss_kb});
      }
    }
    const FastCgiAnswer after = Send(target, std::to_string(target.body.size()), target.body);
    EXPECT_EQ(after.status, target.honest_status) << "the pool stopped serving: " << after.error;

    FaultLine("forged_content_length")
        .Add("pool", target.pool)
        .Add("method", target.method)
        .Add("requests", static_cast<long long>(ForgedLengths(target.body).size()))
        .Add("refused_4xx", refused)
        .Add("worker_peak_kb_before", HighestPeakKb(before))
        .Add("worker_peak_kb", peak)
        .Add("worker_growth_kb", growth)
        .Print();
  }
}

TEST(ForgedLength, main_pool_refuses_every_forged_content_length_with_a_4xx_and_stays_small) {
  const std::string booking = R"({"show_id":1,"seat_id":1})";
  ExpectForgedLengthsRefused(
      MainPool(),
      {// Unauthenticated: with its true length the body reaches the handler, which says 401.
       {"seatd", "POST", "/api/v1/bookings", booking, 401},
       // cgicc reads PUT bodies too (and the route table answers 405 to a clean read).
       {"seatd", "PUT", "/api/v1/bookings", booking, 405},
       {"seatd", "PATCH", seats_test::SeatLockPath(1), R"({"status":1})", 401}});
}

TEST(ForgedLength, login_pool_refuses_every_forged_content_length_with_a_4xx_and_stays_small) {
  const std::string login = seats_test::Json::object()
                                .set("email", seats_test::kDemoEmail)
                                .set("password", seats_test::kDemoPassword)
                                .dump();
  ExpectForgedLengthsRefused(LoginPool(), {{"seatd-login", "POST", "/api/v1/login", login, 200}});
}

}  // namespace
}  // namespace faults
