#pragma once

#include <jansson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/rfc3339.hpp"

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
  // An integer from min to max given as a JSON integer.
  int64_t integer(const char* field, int64_t min, int64_t max) const;
  std::optional<int64_t> optional_integer(const char* field, int64_t min, int64_t max) const;
  // An array of objects, each read like a body whose fields are named "field[i].name" in
  // what they refuse.
  std::vector<JsonBody> objects(const char* field) const;
  // The body re-serialised with sorted keys: two requests mean the same thing exactly when
  // their canonical forms are equal (used to recognise a reused Idempotency-Key).
  std::string canonical() const;

 private:
  explicit JsonBody(Json root, std::string prefix = "")
      : root_(std::move(root)), prefix_(std::move(prefix)) {}
  int64_t as_id(const json_t* value, const std::string& name) const;
  std::string name(const char* field) const { return prefix_ + field; }

  Json root_;
  std::string prefix_;  // where this object sits in the request body, for messages
};

// Serialises without a trailing newline, compact.
std::string json_text(const json_t* value);

// Small constructors that keep handler code readable.
json_t* json_str(std::string_view text);
json_t* json_time(std::string_view db_datetime);

}  // namespace seats
