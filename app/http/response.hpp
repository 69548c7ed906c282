#pragma once

#include <fcgiapp.h>
#include <jansson.h>

#include <string>
#include <utility>
#include <vector>

#include "http/json.hpp"
#include "http/problem.hpp"

namespace seats {

// What a handler answers. The body is a JSON value, serialised when the response is
// written, or JSON text the handler already has (`text`, used when `body` is empty).
struct Response {
  int status = 200;
  Json body;
  std::string text;
  const char* content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

Response json_response(int status, json_t* body);
Response json_text_response(int status, std::string text);

// The problem+json (RFC 9457) answer for an error: the one place error bodies are shaped.
Response problem_response(Err code, const std::string& detail);
// The same for a thrown refusal, with its Retry-After when it has one.
Response problem_response(const ApiError& error);

// Writes status line, headers and body to the FastCGI output stream.
void write_response(FCGX_Stream* out, const Response& response, const std::string& request_id);

}  // namespace seats
