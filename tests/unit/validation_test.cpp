#include "users/validation.hpp"

#include <gtest/gtest.h>

#include "http/problem.hpp"

namespace seats {
namespace {

bool refused(void (*f)(const std::string&), const std::string& value) {
  try {
    f(value);
  } catch (const ApiError& e) {
    return e.code() == Err::ValidationFailed;
  }
  return false;
}
void email(const std::string& v) { normalize_email(v); }
void name(const std::string& v) { normalize_name(v); }

TEST(Email, IsTrimmedAndLowerCased) {
  EXPECT_EQ(normalize_email("  Alex@Example.COM\t"), "alex@example.com");
}

TEST(Email, MalformedAddressesAreRefused) {
  for (std::string bad : std::initializer_list<std::string>{
           "", "   ", "alex", "@example.com", "alex@", "a b@example.com", "a@b@c", "a@exa mple.com",
           std::string("a@b\x01")}) {
    EXPECT_TRUE(refused(email, bad)) << bad;
  }
  EXPECT_TRUE(refused(email, std::string(250, 'a') + "@b.io"));
  EXPECT_FALSE(refused(email, std::string(249, 'a') + "@b.io"));
}

TEST(Password, LengthIsCheckedInBytesWithoutTrimming) {
  EXPECT_THROW(check_password("1234567"), ApiError);
  EXPECT_NO_THROW(check_password("        "));
  EXPECT_NO_THROW(check_password(std::string(72, 'x')));
  EXPECT_THROW(check_password(std::string(73, 'x')), ApiError);
}

TEST(Name, CountsCodePointsNotBytes) {
  std::string hundred_umlauts;
  for (int i = 0; i < 100; ++i) hundred_umlauts += "\xc3\xab";
  EXPECT_EQ(normalize_name(hundred_umlauts), hundred_umlauts);
  EXPECT_TRUE(refused(name, hundred_umlauts + "x"));
}

TEST(Name, IsTrimmedAndMustNotBeEmpty) {
  EXPECT_EQ(normalize_name("  Alex Smith "), "Alex Smith");
  EXPECT_TRUE(refused(name, "   "));
  EXPECT_TRUE(refused(name, "Alex\nSmith"));
}

TEST(EmailLookup, MatchesHowAddressesAreStored) {
  EXPECT_EQ(email_lookup_key(" ALEX@example.com "), "alex@example.com");
}

}  // namespace
}  // namespace seats
