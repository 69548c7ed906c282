// The events of a show's stream (API.md Part 2, "On-sale"): exactly the members the
// contract names, so no identity can ride along.
#include <gtest/gtest.h>
#include <jansson.h>

#include <memory>
#include <string>

#include "events/seat_events.hpp"

namespace seats {
namespace {

struct Decref {
  void operator()(json_t* j) const { json_decref(j); }
};
using Parsed = std::unique_ptr<json_t, Decref>;

Parsed parse(const std::string& text) {
  json_error_t error;
  Parsed value(json_loads(text.c_str(), 0, &error));
  EXPECT_TRUE(value) << error.text << ": " << text;
  return value;
}

TEST(SeatEvents, AHoldCarriesItsDeadlineAndNothingElse) {
  Parsed event = parse(seats_event({{501, "LOCKED", "2026-12-02 10:00:05.123456"}}));
  ASSERT_TRUE(event);
  EXPECT_EQ(json_object_size(event.get()), 1u);
  json_t* seats = json_object_get(event.get(), "seats");
  ASSERT_EQ(json_array_size(seats), 1u);
  json_t* seat = json_array_get(seats, 0);
  EXPECT_EQ(json_object_size(seat), 3u);
  EXPECT_EQ(json_integer_value(json_object_get(seat, "id")), 501);
  EXPECT_STREQ(json_string_value(json_object_get(seat, "status")), "LOCKED");
  EXPECT_STREQ(json_string_value(json_object_get(seat, "expires_at")),
               "2026-12-02T10:00:05.123456Z");
}

TEST(SeatEvents, OneTransactionsSeatsAreOneEventWithoutDeadlines) {
  Parsed event = parse(seats_event({501, 502, 503}, "SOLD"));
  ASSERT_TRUE(event);
  json_t* seats = json_object_get(event.get(), "seats");
  ASSERT_EQ(json_array_size(seats), 3u);
  for (size_t i = 0; i < 3; ++i) {
    json_t* seat = json_array_get(seats, i);
    EXPECT_EQ(json_object_size(seat), 2u) << "only id and status";
    EXPECT_EQ(json_integer_value(json_object_get(seat, "id")), static_cast<json_int_t>(501 + i));
    EXPECT_STREQ(json_string_value(json_object_get(seat, "status")), "SOLD");
  }
}

TEST(SeatEvents, ACancelledShowIsItsOwnEvent) {
  Parsed event = parse(show_cancelled_event());
  ASSERT_TRUE(event);
  EXPECT_EQ(json_object_size(event.get()), 1u);
  EXPECT_STREQ(json_string_value(json_object_get(event.get(), "show")), "CANCELLED");
}

TEST(SeatEvents, AnEventIsOneLineSoItIsOneSseDataLine) {
  // nchan sends the message as it is: a newline inside would split it into two data lines.
  EXPECT_EQ(seats_event({{1, "LOCKED", "2026-12-02 10:00:05"}, {2, "AVAILABLE", ""}}).find('\n'),
            std::string::npos);
}

}  // namespace
}  // namespace seats
