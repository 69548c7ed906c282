// Request input is parsed in a bounded stack: nothing between the request and the handler may
// recurse once per byte or per nesting level of a body (or of a token's JSON), whatever its
// shape. A body is at most kMaxBodyBytes, so each case here is parsed (and, where it parses,
// its fields read, its canonical form made and the document freed) on a thread with a 1 MiB
// stack, in a child process: a stack overflow is a failed test naming the input, not a
// crashed test binary.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>

#include "auth/token.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "http/request.hpp"

namespace seats {
namespace {

constexpr std::size_t kSmallStack = 1024 * 1024;
// A case takes milliseconds; a child still running after this is hung.
constexpr unsigned kChildSeconds = 20;
// The deepest nesting jansson parses (JSON_PARSER_MAX_DEPTH, jansson_config.h).
constexpr int kJanssonMaxDepth = 2048;

// What became of one case in the child.
struct Outcome {
  int killed_by = 0;   // the signal that ended the child (SIGSEGV: stack overflow), or 0
  std::string result;  // "ok", "api_error <code>", or "exception <what>"
};

std::string run_on_small_stack(const std::function<void()>& work) {
  std::string result;
  struct Job {
    const std::function<void()>* work;
    std::string* result;
  } job{&work, &result};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kSmallStack);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    Job* j = static_cast<Job*>(arg);
    try {
      (*j->work)();
      *j->result = "ok";
    } catch (const ApiError& e) {
      *j->result = "api_error " + std::string(problem_shape(e.code()).code);
    } catch (const std::exception& e) {
      *j->result = "exception " + std::string(e.what());
    }
    return nullptr;
  };
  if (pthread_create(&thread, &attr, body, &job) != 0) return "exception pthread_create failed";
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return result;
}

// Runs `work` on a 1 MiB stack in a child process and reports how it ended.
Outcome in_small_stack(const std::function<void()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return {0, "exception pipe failed"};
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    alarm(kChildSeconds);
    const std::string result = run_on_small_stack(work);
    const ssize_t written = write(fds[1], result.data(), result.size());
    _exit(written == static_cast<ssize_t>(result.size()) ? 0 : 1);
  }
  close(fds[1]);
  Outcome outcome;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
    outcome.result.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) outcome.killed_by = WTERMSIG(status);
  return outcome;
}

// Everything a handler may do with a body: parse it, read typed fields, make its canonical
// form (idempotency keys), free it.
void parse_and_read(const std::string& text) {
  JsonBody body = JsonBody::parse(text);
  for (const char* field : {"a", "email", "show_id"}) {
    try {
      body.optional_id(field);
    } catch (const ApiError&) {
    }
    try {
      body.optional_string(field);
    } catch (const ApiError&) {
    }
  }
  body.canonical();
}

std::string describe(const std::string& text) {
  return std::to_string(text.size()) + " bytes: " + text.substr(0, 40) + "...";
}

// The body is answered with `want` ("ok" or "api_error <code>") in a 1 MiB stack.
void expect_in_small_stack(const std::string& text, const std::string& want) {
  ASSERT_LE(text.size(), kMaxBodyBytes) << describe(text);
  const Outcome outcome = in_small_stack([&] { parse_and_read(text); });
  EXPECT_EQ(outcome.killed_by, 0) << "killed by " << strsignal(outcome.killed_by) << " parsing "
                                  << describe(text);
  EXPECT_EQ(outcome.result, want) << describe(text);
}

std::string repeat(const std::string& unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// Pads `head + fill... + tail` to exactly kMaxBodyBytes with `fill`.
std::string full_body(const std::string& head, char fill, const std::string& tail) {
  return head + std::string(kMaxBodyBytes - head.size() - tail.size(), fill) + tail;
}

TEST(JsonBodyInSmallStack, SixteenKibOfDigitsIsInvalidJson) {
  expect_in_small_stack(std::string(kMaxBodyBytes, '1'), "api_error invalid_json");
  expect_in_small_stack(full_body("-", '9', ""), "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, SixteenKibNumberInAnArrayIsInvalidJson) {
  expect_in_small_stack(full_body("[", '1', "]"), "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, SixteenKibNumberAsAFieldIsThatFieldsValidationError) {
  // Parsed (the number becomes an out-of-range marker); reading it is the field's 422,
  // which parse_and_read swallows: the whole case is "ok".
  expect_in_small_stack(full_body(R"({"a":)", '1', "}"), "ok");
  expect_in_small_stack(full_body(R"({"email":-)", '7', "}"), "ok");
  const std::string zeros(kMaxBodyBytes / 2 - 16, '0');
  const std::string head = R"({"a":-0.)" + zeros + "1e";
  expect_in_small_stack(full_body(head, '9', "}"), "ok");
  expect_in_small_stack(full_body(R"({"a":1.)", '5', "e+99999}"), "ok");
  expect_in_small_stack(full_body(R"({"a":1E)", '9', "}"), "ok");
}

TEST(JsonBodyInSmallStack, SixteenKibNotQuiteNumberIsInvalidJson) {
  // Long runs of number characters that are no number: the check must refuse them cheaply.
  expect_in_small_stack(full_body(R"({"a":1e)", '9', "-1e400}"), "api_error invalid_json");
  expect_in_small_stack(full_body(R"({"a":)", '1', "e400x}"), "api_error invalid_json");
  expect_in_small_stack(full_body(R"({"a":)", '1', ".e400}"), "api_error invalid_json");
  expect_in_small_stack(full_body(R"({"a":1e400)", 'e', "}"), "api_error invalid_json");
  expect_in_small_stack(R"({"a":)" + repeat("1e400-", (kMaxBodyBytes - 6) / 6) + "}",
                        "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, ManyLongOutOfRangeNumbersAreReadInBoundedStack) {
  // Each out-of-range round checks one literal: fifteen of ~1000 digits are all replaced,
  // forty are more rounds than a body gets.
  std::string fifteen = R"({"a":[)" + std::string(990, '9');
  for (int i = 1; i < 15; ++i) fifteen += "," + std::string(990, '9');
  expect_in_small_stack(fifteen + "]}", "ok");
  std::string forty = R"({"a":[)" + std::string(400, '9');
  for (int i = 1; i < 40; ++i) forty += "," + std::string(400, '9');
  expect_in_small_stack(forty + "]}", "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, SixteenKibOfOpeningBracketsIsInvalidJson) {
  // jansson stops at its depth limit instead of recursing 16384 times.
  expect_in_small_stack(std::string(kMaxBodyBytes, '['), "api_error invalid_json");
  expect_in_small_stack(full_body(R"({"a":)", '[', ""), "api_error invalid_json");
  expect_in_small_stack(repeat(R"({"a":)", kMaxBodyBytes / 5), "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, DeepestDocumentJanssonTakesIsReadAndFreedInBoundedStack) {
  // The outer object is one level; 2047 arrays (or objects) inside it reach the limit.
  const int inner = kJanssonMaxDepth - 1;
  expect_in_small_stack(R"({"a":)" + std::string(inner, '[') + std::string(inner, ']') + "}", "ok");
  expect_in_small_stack(R"({"a":)" + repeat(R"({"a":)", inner - 1) + "1" + std::string(inner, '}'),
                        "ok");
  // One level more is refused.
  expect_in_small_stack(
      R"({"a":)" + std::string(inner + 1, '[') + std::string(inner + 1, ']') + "}",
      "api_error invalid_json");
}

TEST(JsonBodyInSmallStack, DeepArrayBesideAnOutOfRangeNumberIsReadInBoundedStack) {
  // The out-of-range path parses the body again: the deep part is parsed twice.
  const int inner = kJanssonMaxDepth - 2;
  expect_in_small_stack(
      R"({"n":1e400,"a":)" + std::string(inner, '[') + std::string(inner, ']') + "}", "ok");
}

// base64url without padding, as JWT parts are written.
std::string base64url(const std::string& bytes) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (i + 1 < bytes.size()) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

TEST(TokenInSmallStack, DeeplyNestedTokenJsonIsRefusedInBoundedStack) {
  // libjwt parses a token's header and claims (with jansson) before it checks the signature,
  // so anyone can make it parse JSON of their choosing, up to the 4 KiB a token may have.
  const TokenService tokens("unit-test-secret-of-at-least-32-bytes!!", 60);
  const std::string closed = std::string(1400, '[') + std::string(1400, ']');
  for (const std::string& header : {std::string(3000, '['), closed}) {
    const std::string token = base64url(header) + "." + base64url("{}") + ".c2ln";
    ASSERT_LE(token.size(), 4096u);
    const Outcome outcome = in_small_stack([&] {
      if (tokens.verify(token, 1'700'000'000)) throw std::runtime_error("verified");
    });
    EXPECT_EQ(outcome.killed_by, 0) << "killed by " << strsignal(outcome.killed_by);
    EXPECT_EQ(outcome.result, "ok") << header.substr(0, 10);
  }
}

}  // namespace
}  // namespace seats
