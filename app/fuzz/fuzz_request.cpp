// Feeds arbitrary bytes through the request edge: routing with path ids, body parsing
// and every typed field reader, the booking shape, the idempotency key check, and the
// registration validators. Anything but an ApiError (or a crash) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bookings/idempotency.hpp"
#include "handlers/handlers.hpp"
#include "http/json.hpp"
#include "http/problem.hpp"
#include "users/validation.hpp"

namespace {

void read_fields(const seats::JsonBody& body) {
  for (const char* field : {"show_id", "seat_id", "id"}) {
    try {
      body.optional_id(field);
    } catch (const seats::ApiError&) {
    }
  }
  for (const char* field : {"email", "password", "name", "status"}) {
    try {
      if (auto value = body.optional_string(field)) {
        seats::normalize_email(*value);
      }
    } catch (const seats::ApiError&) {
    }
    try {
      if (auto value = body.optional_string(field)) {
        seats::normalize_name(*value);
        seats::check_password(*value);
      }
    } catch (const seats::ApiError&) {
    }
  }
  try {
    body.id_array("seat_ids");
  } catch (const seats::ApiError&) {
  }
  body.canonical();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const seats::Router router = seats::make_router();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // First line: "METHOD PATH"; the rest: the body.
  size_t newline = input.find('\n');
  std::string_view head = input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  size_t space = head.find(' ');
  std::string_view method = head.substr(0, space);
  std::string_view path = space == std::string_view::npos ? "" : head.substr(space + 1);
  router.match(method, path);
  try {
    seats::check_idempotency_key(std::string(path));
  } catch (const seats::ApiError&) {
  }
  try {
    read_fields(seats::JsonBody::parse(body, method == "PATCH"));
  } catch (const seats::ApiError& e) {
    if (e.code() != seats::Err::InvalidJson) __builtin_trap();
  }
  return 0;
}
