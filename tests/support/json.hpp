// A small value wrapper over jansson for reading responses and building request bodies.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

struct json_t;

namespace seats_test {

// Either absent (no value: a missing key, an unparsable body) or a JSON value. Copies share
// the underlying value; set()/push() mutate it in place.
class Json {
 public:
  Json() = default;
  Json(std::int64_t v);        // NOLINT(google-explicit-constructor): builds bodies tersely
  Json(int v);                 // NOLINT(google-explicit-constructor)
  Json(const char* v);         // NOLINT(google-explicit-constructor)
  Json(const std::string& v);  // NOLINT(google-explicit-constructor)
  static Json boolean(bool v);
  static Json null();
  static Json real(double v);
  static Json object();
  static Json array();

  // Parses any JSON text; absent if it is not JSON.
  static Json parse(const std::string& text);

  bool present() const { return value_ != nullptr; }
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_integer() const;
  bool is_bool() const;
  bool is_true() const;
  bool is_null() const;

  // Member or element; absent when missing or when this is not an object/array.
  Json operator[](const std::string& key) const;
  Json operator[](const char* key) const { return (*this)[std::string(key)]; }
  Json at(std::size_t index) const;
  bool has(const std::string& key) const;
  std::set<std::string> keys() const;
  std::size_t size() const;

  std::int64_t integer() const;  // 0 unless an integer
  std::string string() const;    // "" unless a string

  Json& set(const std::string& key, const Json& v);
  Json& push(const Json& v);

  std::string dump() const;  // compact; "<absent>" when absent
  bool operator==(const Json& other) const;

 private:
  explicit Json(json_t* owned);
  std::shared_ptr<json_t> value_;
};

// ["a", 1] style helpers for the common bodies.
Json IdArray(const std::initializer_list<std::int64_t>& ids);
template <typename Container>
Json IdArrayOf(const Container& ids) {
  Json a = Json::array();
  for (auto id : ids) a.push(Json(static_cast<std::int64_t>(id)));
  return a;
}

}  // namespace seats_test
