#include "support/json.hpp"

#include <jansson.h>

namespace seats_test {

namespace {
std::shared_ptr<json_t> Own(json_t* v) {
  return std::shared_ptr<json_t>(v, [](json_t* p) { json_decref(p); });
}
}  // namespace

Json::Json(json_t* owned) {
  if (owned != nullptr) value_ = Own(owned);
}
Json::Json(std::int64_t v) : Json(json_integer(static_cast<json_int_t>(v))) {}
Json::Json(int v) : Json(json_integer(v)) {}
Json::Json(const char* v) : Json(json_string(v)) {}
Json::Json(const std::string& v) : Json(json_stringn(v.data(), v.size())) {}
Json Json::boolean(bool v) { return Json(json_boolean(v)); }
Json Json::null() { return Json(json_null()); }
Json Json::real(double v) { return Json(json_real(v)); }
Json Json::object() { return Json(json_object()); }
Json Json::array() { return Json(json_array()); }

Json Json::parse(const std::string& text) {
  json_error_t error;
  return Json(json_loadb(text.data(), text.size(), JSON_DECODE_ANY | JSON_ALLOW_NUL, &error));
}

bool Json::is_object() const { return value_ && json_is_object(value_.get()); }
bool Json::is_array() const { return value_ && json_is_array(value_.get()); }
bool Json::is_string() const { return value_ && json_is_string(value_.get()); }
bool Json::is_integer() const { return value_ && json_is_integer(value_.get()); }
bool Json::is_bool() const { return value_ && json_is_boolean(value_.get()); }
bool Json::is_true() const { return value_ && json_is_true(value_.get()); }
bool Json::is_null() const { return value_ && json_is_null(value_.get()); }

Json Json::operator[](const std::string& key) const {
  if (!is_object()) return {};
  json_t* v = json_object_get(value_.get(), key.c_str());
  return v == nullptr ? Json() : Json(json_incref(v));
}

Json Json::at(std::size_t index) const {
  if (!is_array()) return {};
  json_t* v = json_array_get(value_.get(), index);
  return v == nullptr ? Json() : Json(json_incref(v));
}

bool Json::has(const std::string& key) const { return (*this)[key].present(); }

std::set<std::string> Json::keys() const {
  std::set<std::string> out;
  if (!is_object()) return out;
  const char* key = nullptr;
  json_t* v = nullptr;
  json_object_foreach(value_.get(), key, v) { out.insert(key); }
  return out;
}

std::size_t Json::size() const {
  if (is_array()) return json_array_size(value_.get());
  if (is_object()) return json_object_size(value_.get());
  return 0;
}

std::int64_t Json::integer() const {
  return is_integer() ? static_cast<std::int64_t>(json_integer_value(value_.get())) : 0;
}

std::string Json::string() const {
  if (!is_string()) return {};
  return std::string(json_string_value(value_.get()), json_string_length(value_.get()));
}

Json& Json::set(const std::string& key, const Json& v) {
  if (is_object()) json_object_set(value_.get(), key.c_str(), v.value_.get());
  return *this;
}

Json& Json::push(const Json& v) {
  if (is_array()) json_array_append(value_.get(), v.value_.get());
  return *this;
}

std::string Json::dump() const {
  if (!value_) return "<absent>";
  char* text = json_dumps(value_.get(), JSON_COMPACT | JSON_ENCODE_ANY);
  std::string out = text == nullptr ? "" : text;
  free(text);  // NOLINT(cppcoreguidelines-no-malloc): jansson allocates with malloc
  return out;
}

bool Json::operator==(const Json& other) const {
  if (!value_ || !other.value_) return !value_ && !other.value_;
  return json_equal(value_.get(), other.value_.get()) != 0;
}

Json IdArray(const std::initializer_list<std::int64_t>& ids) { return IdArrayOf(ids); }

}  // namespace seats_test
