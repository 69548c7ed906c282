#include "http/json_number.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace seats {
namespace {

TEST(JsonNumber, RfcNumbersAreAccepted) {
  for (const char* text :
       {"0", "-0", "7", "-7", "10", "1234567890", "0.5", "-0.0", "10.25", "1e5", "1E5", "1e+5",
        "1e-5", "-0.1E-00", "0e0", "9.99e999", "99999999999999999999"}) {
    EXPECT_TRUE(is_json_number(text)) << text;
  }
}

TEST(JsonNumber, WhatStrtodOrJavascriptTakeButJsonDoesNotIsRefused) {
  for (const char* text :
       {"",   "-",   "+1",  "01",    "-01",  "00",    ".5",   "5.",       "-.5", "1.e5",
        "1e", "1e+", "1e-", "1E+-5", "1ee5", "1.5.5", "0x1F", "Infinity", "NaN", "inf",
        " 1", "1 ",  "1\n", "1_000", "1,5",  "--1",   "1-1",  "1e5.5",    "e5",  "\xd9\xa1"}) {
    EXPECT_FALSE(is_json_number(text)) << text;
  }
  EXPECT_FALSE(is_json_number(std::string_view("1\0", 2)));
}

TEST(JsonNumber, MatchesTheRfcGrammarOnEveryShortString) {
  // Every string of up to five characters over the number alphabet and one stranger,
  // against the grammar written as a regular expression (fine at this length).
  const std::regex grammar(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)");
  const std::string alphabet = "019-+.eEx";
  std::string text;
  long checked = 0;
  auto visit = [&](auto&& self, std::size_t left) -> void {
    EXPECT_EQ(is_json_number(text), std::regex_match(text, grammar)) << '"' << text << '"';
    ++checked;
    if (left == 0) return;
    for (char c : alphabet) {
      text.push_back(c);
      self(self, left - 1);
      text.pop_back();
    }
  };
  visit(visit, 5);
  EXPECT_EQ(checked, 1 + 9 + 81 + 729 + 6561 + 59049);
}

TEST(JsonNumber, ABodyLongLiteralIsCheckedToItsLastCharacter) {
  const std::string digits(16 * 1024, '1');
  EXPECT_TRUE(is_json_number(digits));
  EXPECT_TRUE(is_json_number("-0." + digits + "e+" + digits));
  EXPECT_FALSE(is_json_number(digits + "x"));
  EXPECT_FALSE(is_json_number("0" + digits));
  EXPECT_FALSE(is_json_number("1." + digits + "e"));
}

}  // namespace
}  // namespace seats
