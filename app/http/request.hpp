#pragma once

#include <fcgiapp.h>

#include <cstddef>
#include <string>

namespace seats {

// Request bodies above this are refused before anything is allocated for them
// (nginx refuses them first; this guards a worker reached by any other FastCGI client).
constexpr std::size_t kMaxBodyBytes = 16 * 1024;

// One HTTP request as the handlers see it: everything already read and bounded.
struct Request {
  std::string method;
  std::string path;
  std::string body;
  std::string authorization;    // raw Authorization header, may be empty
  std::string idempotency_key;  // raw Idempotency-Key header, may be empty
  bool has_idempotency_key = false;
  std::string remote_addr;
  std::string request_id;
};

// Reads the CGI environment (through cgicc) and the body of a FastCGI request: the body is
// the bytes that arrived on its stdin, never a length the client declared.
// Throws ApiError: payload_too_large for a declared or actual body over kMaxBodyBytes,
// invalid_json (400) for a CONTENT_LENGTH that is not a plain decimal byte count or that
// differs from the body's length.
Request read_request(FCGX_Request& fcgi);

}  // namespace seats
