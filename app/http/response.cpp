#include "http/response.hpp"

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

int put_chunk(const char* buffer, size_t size, void* data) {
  auto* out = static_cast<FCGX_Stream*>(data);
  return FCGX_PutStr(buffer, static_cast<int>(size), out) < 0 ? -1 : 0;
}

}  // namespace

Response json_response(int status, json_t* body) {
  Response response;
  response.status = status;
  response.body.reset(body);
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

void write_response(FCGX_Stream* out, const Response& response, const std::string& request_id) {
  FCGX_FPrintF(out, "Status: %d %s\r\nContent-Type: %s\r\nCache-Control: no-store\r\n",
               response.status, reason_phrase(response.status), response.content_type);
  if (!request_id.empty()) FCGX_FPrintF(out, "X-Request-Id: %s\r\n", request_id.c_str());
  for (const auto& [name, value] : response.headers) {
    FCGX_FPrintF(out, "%s: %s\r\n", name.c_str(), value.c_str());
  }
  FCGX_PutS("\r\n", out);
  if (response.body) {
    json_dump_callback(response.body.get(), put_chunk, out, JSON_COMPACT | JSON_ENCODE_ANY);
  }
}

}  // namespace seats
