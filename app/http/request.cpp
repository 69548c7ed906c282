#include "http/request.hpp"

#include <cgicc/CgiEnvironment.h>
#include <cgicc/CgiInput.h>

#include <charconv>
#include <cstring>

#include "http/problem.hpp"

namespace seats {
namespace {

// cgicc reads its CGI variables and body through a CgiInput. This one serves them from a
// FastCGI request, with the body already read and bounded by us: cgicc would otherwise
// allocate whatever CONTENT_LENGTH claims, and it never reads PATCH bodies at all.
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

// CONTENT_LENGTH as a byte count; anything unparseable counts as no body.
size_t declared_length(FCGX_Request& fcgi) {
  std::string text = param(fcgi, "CONTENT_LENGTH");
  size_t length = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec == std::errc::result_out_of_range) return SIZE_MAX;
  if (ec != std::errc() || end != text.data() + text.size()) return 0;
  return length;
}

std::string read_body(FCGX_Request& fcgi) {
  size_t length = declared_length(fcgi);
  if (length > kMaxBodyBytes) {
    throw ApiError(Err::PayloadTooLarge, "The request body is larger than 16 KiB");
  }
  std::string body(length, '\0');
  int got = length ? FCGX_GetStr(body.data(), static_cast<int>(length), fcgi.in) : 0;
  if (static_cast<size_t>(got) != length) {
    throw ApiError(Err::InvalidJson, "The request body is shorter than its Content-Length");
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
