#include "http/request.hpp"

#include <cgicc/CgiEnvironment.h>
#include <cgicc/CgiInput.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "http/problem.hpp"

namespace seats {
namespace {

// cgicc reads its CGI variables and body through a CgiInput. This one serves them from a
// FastCGI request, with the body already read and bounded by us: cgicc never reads PATCH
// bodies, and it allocates (and zero-fills) whatever CONTENT_LENGTH claims, read with atol,
// before reading a byte. So it is told the length of the body we hold, never the client's
// text: "2000000000x" or " 2000000000" would otherwise cost the worker 2 GB.
class FcgiInput : public cgicc::CgiInput {
 public:
  FcgiInput(FCGX_Request& fcgi, const std::string& body) : fcgi_(fcgi), body_(body) {}

  size_t read(char* data, size_t length) override {
    size_t n = std::min(length, body_.size() - offset_);
    std::memcpy(data, body_.data() + offset_, n);
    offset_ += n;
    return n;
  }

  std::string getenv(const char* name) override {
    if (std::strcmp(name, "CONTENT_LENGTH") == 0) return std::to_string(body_.size());
    const char* value = FCGX_GetParam(name, fcgi_.envp);
    return value ? value : "";
  }

 private:
  FCGX_Request& fcgi_;
  const std::string& body_;
  size_t offset_ = 0;
};

std::string param(FCGX_Request& fcgi, const char* name) {
  const char* value = FCGX_GetParam(name, fcgi.envp);
  return value ? value : "";
}

[[noreturn]] void too_large() {
  throw ApiError(Err::PayloadTooLarge, "The request body is larger than 16 KiB");
}

// The CONTENT_LENGTH the client declared, or nullopt when there is none (nginx sends it
// empty for a request without a body). It serves only to check the body that arrived: a
// body is never sized by it. Anything but a canonical decimal ("0", or digits without a
// leading zero, as nginx writes it) is refused, and so is a declaration over the limit,
// before anything is read.
std::optional<size_t> declared_length(FCGX_Request& fcgi) {
  const std::string text = param(fcgi, "CONTENT_LENGTH");
  if (text.empty()) return std::nullopt;
  const bool canonical = text.find_first_not_of("0123456789") == std::string::npos &&
                         (text.size() == 1 || text[0] != '0');
  if (!canonical) throw ApiError(Err::InvalidJson, "The Content-Length is not a byte count");
  size_t length = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), length);
  if (parsed.ec == std::errc::result_out_of_range || length > kMaxBodyBytes) too_large();
  return length;
}

// The body is what the client sent on FastCGI stdin (up to its end), read to one byte past
// the limit so that a longer one is refused without being held.
std::string read_body(FCGX_Request& fcgi) {
  const std::optional<size_t> declared = declared_length(fcgi);
  std::string body(kMaxBodyBytes + 1, '\0');
  const int got = FCGX_GetStr(body.data(), static_cast<int>(body.size()), fcgi.in);
  body.resize(got > 0 ? static_cast<size_t>(got) : 0);
  if (body.size() > kMaxBodyBytes) too_large();
  if (declared && *declared != body.size()) {
    throw ApiError(Err::InvalidJson, "The request body does not match its Content-Length");
  }
  return body;
}

}  // namespace

Request read_request(FCGX_Request& fcgi) {
  Request request;
  request.request_id = param(fcgi, "REQUEST_ID");
  request.body = read_body(fcgi);

  FcgiInput input(fcgi, request.body);
  try {
    cgicc::CgiEnvironment env(&input);
    request.method = env.getRequestMethod();
    request.path = env.getScriptName() + env.getPathInfo();
    request.remote_addr = env.getRemoteAddr();
  } catch (const std::exception& e) {
    // cgicc throws std::runtime_error on a body that ends early; that is the client's fault.
    throw ApiError(Err::InvalidJson, std::string("Unreadable request: ") + e.what());
  }
  request.authorization = input.getenv("HTTP_AUTHORIZATION");
  const char* key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", fcgi.envp);
  request.has_idempotency_key = key != nullptr;
  request.idempotency_key = key ? key : "";
  return request;
}

}  // namespace seats
