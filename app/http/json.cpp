#include "http/json.hpp"

#include <cstring>

#include "http/json_number.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& why) {
  throw ApiError(Err::ValidationFailed, field + " " + why);
}

// A body may hold a number jansson cannot represent (an id of 2^63, 1e400). Such a number
// is well-formed JSON, and the contract wants it refused as a 422 naming its field, so the
// literal is swapped for a string that says what it was (a string is never a valid id or
// count) and the body parsed again. jansson reports where the literal ends; it starts
// after the last character that cannot belong to a number. Bodies are at most 16 KiB,
// and the rounds are capped so a body made of huge numbers costs little.
constexpr int kMaxOutOfRangeNumbers = 16;
// What such a literal becomes: NUL first, which no client string may hold.
constexpr std::string_view kOutOfRangeMarker("\0out of range: ", 15);

Json parse_with_out_of_range_numbers(std::string text, size_t flags) {
  for (int round = 0; round < kMaxOutOfRangeNumbers; ++round) {
    json_error_t error;
    Json root(json_loadb(text.data(), text.size(), flags, &error));
    if (root || json_error_code(&error) != json_error_numeric_overflow) return root;
    size_t end = static_cast<size_t>(error.position);
    if (end == 0 || end > text.size()) return nullptr;
    size_t start = end;
    while (start > 0 && std::strchr("0123456789+-.eE", text[start - 1]) != nullptr) --start;
    std::string literal = text.substr(start, end - start);
    // The run may have swallowed more than the literal jansson stopped at ("1-1e400" is two
    // tokens, and invalid JSON): only a single number standing where a value may start is
    // replaced; anything else stays unparseable.
    if (!is_json_number(literal)) return nullptr;
    if (start > 0 && std::strchr(" \t\r\n[,:", text[start - 1]) == nullptr) return nullptr;
    text.replace(start, end - start,
                 "\"\\u0000" + std::string(kOutOfRangeMarker.substr(1)) + literal + "\"");
  }
  // Whether the rest is even well-formed is unknown: refuse it as unparseable.
  return nullptr;
}

}  // namespace

JsonBody JsonBody::parse(std::string_view text, bool allow_empty) {
  bool only_space = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (only_space) {
    if (allow_empty) return JsonBody(Json(json_object()));
    throw ApiError(Err::InvalidJson, "The request body must be a JSON object");
  }
  // JSON_ALLOW_NUL lets "\u0000" through so that it is refused as a 422 naming the field,
  // as the contract asks, rather than as unparseable JSON.
  const size_t flags = JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES;
  json_error_t error;
  Json root(json_loadb(text.data(), text.size(), flags, &error));
  if (!root && json_error_code(&error) == json_error_numeric_overflow) {
    root = parse_with_out_of_range_numbers(std::string(text), flags);
  }
  if (!root || !json_is_object(root.get())) {
    throw ApiError(Err::InvalidJson, "The request body must be a JSON object");
  }
  return JsonBody(std::move(root));
}

bool JsonBody::has(const char* field) const {
  return json_object_get(root_.get(), field) != nullptr;
}

int64_t JsonBody::as_id(const json_t* value, const std::string& name) const {
  if (json_is_integer(value)) {
    json_int_t v = json_integer_value(value);
    if (v < 1) invalid(name, "must be a positive integer id");
    return static_cast<int64_t>(v);
  }
  invalid(name, "must be a positive integer id no larger than 9223372036854775807");
}

int64_t JsonBody::id(const char* field) const {
  const json_t* value = json_object_get(root_.get(), field);
  if (!value) invalid(name(field), "is required");
  return as_id(value, name(field));
}

std::optional<int64_t> JsonBody::optional_id(const char* field) const {
  if (!has(field)) return std::nullopt;
  return id(field);
}

std::string JsonBody::string(const char* field) const {
  const json_t* value = json_object_get(root_.get(), field);
  if (!value) invalid(name(field), "is required");
  if (!json_is_string(value)) invalid(name(field), "must be a string");
  const char* text = json_string_value(value);
  size_t length = json_string_length(value);
  if (std::string_view(text, length).substr(0, kOutOfRangeMarker.size()) == kOutOfRangeMarker) {
    invalid(name(field), "must be a string");
  }
  if (std::memchr(text, '\0', length)) invalid(name(field), "must not contain NUL characters");
  return std::string(text, length);
}

std::optional<std::string> JsonBody::optional_string(const char* field) const {
  if (!has(field)) return std::nullopt;
  return string(field);
}

std::vector<int64_t> JsonBody::id_array(const char* field) const {
  const json_t* value = json_object_get(root_.get(), field);
  if (!value) invalid(name(field), "is required");
  if (!json_is_array(value)) invalid(name(field), "must be an array of seat ids");
  std::vector<int64_t> ids;
  size_t index;
  const json_t* item;
  json_array_foreach(value, index, item) {
    ids.push_back(as_id(item, name(field) + "[" + std::to_string(index) + "]"));
  }
  return ids;
}

int64_t JsonBody::integer(const char* field, int64_t min, int64_t max) const {
  const json_t* value = json_object_get(root_.get(), field);
  std::string range =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!value) invalid(name(field), "is required");
  if (!json_is_integer(value)) invalid(name(field), range);
  json_int_t v = json_integer_value(value);
  if (v < min || v > max) invalid(name(field), range);
  return static_cast<int64_t>(v);
}

std::optional<int64_t> JsonBody::optional_integer(const char* field, int64_t min,
                                                  int64_t max) const {
  if (!has(field)) return std::nullopt;
  return integer(field, min, max);
}

std::vector<JsonBody> JsonBody::objects(const char* field) const {
  json_t* value = json_object_get(root_.get(), field);
  if (!value) invalid(name(field), "is required");
  if (!json_is_array(value)) invalid(name(field), "must be an array of objects");
  std::vector<JsonBody> items;
  size_t index;
  json_t* item;
  json_array_foreach(value, index, item) {
    std::string at = name(field) + "[" + std::to_string(index) + "]";
    if (!json_is_object(item)) invalid(at, "must be an object");
    items.push_back(JsonBody(Json(json_incref(item)), at + "."));
  }
  return items;
}

std::string JsonBody::canonical() const {
  char* text = json_dumps(root_.get(), JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
  std::string out = text ? text : "";
  free(text);
  return out;
}

std::string json_text(const json_t* value) {
  char* text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  std::string out = text ? text : "null";
  free(text);
  return out;
}

json_t* json_str(std::string_view text) { return json_stringn(text.data(), text.size()); }

json_t* json_time(std::string_view db_datetime) { return json_str(rfc3339(db_datetime)); }

}  // namespace seats
