// GoogleTest predicates that print the request and answer when they fail:
//   EXPECT_TRUE(IsProblem(r, 409, "seat_unavailable"));
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/client.hpp"

namespace seats_test {

// status matches, Content-Type is application/json and the body parses.
::testing::AssertionResult IsJson(const Response& r, long status);

// status matches, Content-Type is application/problem+json, and the body is an RFC 9457
// problem: "type" (a string, "about:blank"), "title" (the status's reason phrase), "status"
// (the same number), "code" as given and a non-empty "detail".
::testing::AssertionResult IsProblem(const Response& r, long status, const std::string& code);

// The object has exactly these members.
::testing::AssertionResult HasExactKeys(const Json& v, const std::set<std::string>& keys);

// The problem's detail contains word (case-insensitive).
::testing::AssertionResult DetailMentions(const Response& r, const std::string& word);

}  // namespace seats_test
