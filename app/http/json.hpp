#pragma once

#include <jansson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seats {

struct JsonDeleter {
  void operator()(json_t* j) const { json_decref(j); }
};
// Owns one reference. Library types stay inside http/ and handlers/; rules never see json_t.
using Json = std::unique_ptr<json_t, JsonDeleter>;

// A request body parsed once at the edge. Reading a field validates it into a typed value
// or throws ApiError(ValidationFailed) naming the field.
class JsonBody {
 public:
  // Parses `text` as a JSON object. An empty body is an empty object when allow_empty,
  // else invalid_json; anything that is not an object is invalid_json.
  static JsonBody parse(std::string_view text, bool allow_empty = false);

  bool has(const char* field) const;
  // A positive id (1 .. 2^63-1) given as a JSON integer.
  int64_t id(const char* field) const;
  std::optional<int64_t> optional_id(const char* field) const;
  // A string with no NUL bytes (JSON "\u0000" is let through the parser to be refused here).
  std::string string(const char* field) const;
  std::optional<std::string> optional_string(const char* field) const;
  // An array of positive ids.
  std::vector<int64_t> id_array(const char* field) const;
  // The body re-serialised with sorted keys: two requests mean the same thing exactly when
  // their canonical forms are equal (used to recognise a reused Idempotency-Key).
  std::string canonical() const;

 private:
  explicit JsonBody(Json root) : root_(std::move(root)) {}
  int64_t as_id(const json_t* value, const std::string& name) const;

  Json root_;
};

// Serialises without a trailing newline, compact.
std::string json_text(const json_t* value);

// Small constructors that keep handler code readable.
json_t* json_str(std::string_view text);
json_t* json_time(std::string_view db_datetime);

// "2024-05-20 10:10:00.123456" (UTC, as the database returns it) -> "2024-05-20T10:10:00.123456Z".
std::string rfc3339(std::string_view db_datetime);

}  // namespace seats
