#include "http/json.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "http/problem.hpp"

namespace seats {
namespace {

Err error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no ApiError thrown";
  return Err::Internal;
}

TEST(JsonBody, NonObjectsAreInvalidJson) {
  for (const char* text : {"", "   ", "[]", "[1]", "\"x\"", "1", "null", "{", "{\"a\":}",
                           "{\"a\":1}{", "\xff", "{\"a\":1,\"a\":2}"}) {
    EXPECT_EQ(error_of([&] { JsonBody::parse(text); }), Err::InvalidJson) << text;
  }
}

TEST(JsonBody, EmptyBodyIsAnEmptyObjectWhenAllowed) {
  EXPECT_FALSE(JsonBody::parse("", true).has("status"));
}

TEST(JsonBody, IdsMustBePositiveJsonIntegers) {
  for (const char* text : {R"({"id":0})", R"({"id":-1})", R"({"id":"5"})", R"({"id":5.0})",
                           R"({"id":5.5})", R"({"id":true})", R"({"id":null})", R"({"id":1e3})",
                           R"({"id":9223372036854775808})", R"({})"}) {
    EXPECT_EQ(error_of([&] { JsonBody::parse(text).id("id"); }), Err::ValidationFailed) << text;
  }
  EXPECT_EQ(JsonBody::parse(R"({"id":9223372036854775807})").id("id"), INT64_MAX);
}

TEST(JsonBody, HugeIntegerElsewhereStillLetsOtherIdsBeRead) {
  JsonBody body = JsonBody::parse(R"({"show_id":101,"seat_id":99999999999999999999})");
  EXPECT_EQ(body.id("show_id"), 101);
  EXPECT_EQ(error_of([&] { body.id("seat_id"); }), Err::ValidationFailed);
}

TEST(JsonBody, HugeNumberElsewhereDoesNotMakeWholeRealsPassAsIds) {
  JsonBody body =
      JsonBody::parse(R"({"show_id":1.0,"seat_ids":[2e0,3],"note":99999999999999999999})");
  EXPECT_EQ(error_of([&] { body.id("show_id"); }), Err::ValidationFailed);
  EXPECT_EQ(error_of([&] { body.id_array("seat_ids"); }), Err::ValidationFailed);
}

TEST(JsonBody, NumbersBeyondADoubleAreValidationErrorsOfTheirField) {
  for (const char* text :
       {R"({"id":1e400})", R"({"id":-1e400})", R"({"id":[1,-99999999999999999999]})"}) {
    JsonBody body = JsonBody::parse(text);
    EXPECT_EQ(error_of([&] { body.id("id"); }), Err::ValidationFailed) << text;
  }
  JsonBody named = JsonBody::parse(R"({"name":1e400})");
  try {
    named.string("name");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.detail(), "name must be a string");
  }
}

TEST(JsonBody, ManyHugeNumbersAreRefusedWithoutParsingForever) {
  std::string text = "{\"a\":[";
  for (int i = 0; i < 1000; ++i) text += (i ? ",1e999" : "1e999");
  text += "]}";
  EXPECT_EQ(error_of([&] { JsonBody::parse(text); }), Err::InvalidJson);
}

TEST(JsonBody, AHugeNumberDoesNotMakeInvalidJsonValid) {
  for (const char* text : {R"({"seat_id":1-1e400})", R"({"seat_id":0-99999999999999999999})",
                           R"({"seat_id":1.5-1e400})", R"({"a":[1e400, 1e400 x)"}) {
    EXPECT_EQ(error_of([&] { JsonBody::parse(text); }), Err::InvalidJson) << text;
  }
}

TEST(JsonBody, ValidationDetailNamesTheField) {
  try {
    JsonBody::parse(R"({"seat_ids":[1,"x"]})").id_array("seat_ids");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_NE(e.detail().find("seat_ids[1]"), std::string::npos) << e.detail();
  }
}

TEST(JsonBody, EscapedNulInAStringIsAValidationErrorNotAParseError) {
  JsonBody body = JsonBody::parse(R"({"name":"a\u0000b"})");
  EXPECT_EQ(error_of([&] { body.string("name"); }), Err::ValidationFailed);
}

TEST(JsonBody, CanonicalFormIgnoresKeyOrderAndSpacing) {
  EXPECT_EQ(JsonBody::parse(R"({"b":1, "a":[2,3]})").canonical(),
            JsonBody::parse(R"({"a":[2,3],"b":1})").canonical());
  EXPECT_NE(JsonBody::parse(R"({"a":[2,3]})").canonical(),
            JsonBody::parse(R"({"a":[3,2]})").canonical());
}

TEST(Rfc3339, DatabaseTimesBecomeUtcTimestamps) {
  EXPECT_EQ(rfc3339("2024-05-20 10:10:00"), "2024-05-20T10:10:00Z");
  EXPECT_EQ(rfc3339("2024-05-20 10:10:00.123456"), "2024-05-20T10:10:00.123456Z");
}

}  // namespace
}  // namespace seats
