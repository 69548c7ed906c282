#include "http/response.hpp"

#include <string>

namespace seats {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 503:
      return "Service Unavailable";
    default:
      return status < 500 ? "Client Error" : "Internal Server Error";
  }
}

int append_chunk(const char* buffer, size_t size, void* data) {
  static_cast<std::string*>(data)->append(buffer, size);
  return 0;
}

}  // namespace

Response json_response(int status, json_t* body) {
  Response response;
  response.status = status;
  response.body.reset(body);
  return response;
}

Response json_text_response(int status, std::string text) {
  Response response;
  response.status = status;
  response.text = std::move(text);
  return response;
}

Response problem_response(Err code, const std::string& detail) {
  ProblemShape shape = problem_shape(code);
  Response response =
      json_response(shape.status, json_pack("{s:s, s:s, s:i, s:s, s:s%}", "type", "about:blank",
                                            "title", shape.title, "status", shape.status, "code",
                                            shape.code, "detail", detail.data(), detail.size()));
  response.content_type = "application/problem+json";
  return response;
}

Response problem_response(const ApiError& error) {
  Response response = problem_response(error.code(), error.detail());
  if (error.retry_after() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(error.retry_after()));
  }
  return response;
}

void write_response(FCGX_Stream* out, const Response& response, const std::string& request_id) {
  // The body is serialised first, into a buffer the worker keeps from request to request
  // (no allocation once it has grown to the largest answer), so its length can be sent:
  // nginx then passes it on as is instead of re-chunking, and jansson's many small pieces
  // reach the FastCGI stream as one write.
  static std::string serialised;
  const std::string* body = &response.text;
  if (response.body) {
    serialised.clear();
    json_dump_callback(response.body.get(), append_chunk, &serialised,
                       JSON_COMPACT | JSON_ENCODE_ANY);
    body = &serialised;
  }
  FCGX_FPrintF(out,
               "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
               "Cache-Control: no-store\r\n",
               response.status, reason_phrase(response.status), response.content_type,
               body->size());
  if (!request_id.empty()) FCGX_FPrintF(out, "X-Request-Id: %s\r\n", request_id.c_str());
  for (const auto& [name, value] : response.headers) {
    FCGX_FPrintF(out, "%s: %s\r\n", name.c_str(), value.c_str());
  }
  FCGX_PutS("\r\n", out);
  FCGX_PutStr(body->data(), static_cast<int>(body->size()), out);
}

}  // namespace seats
