#include "auth/password.hpp"

#include <gtest/gtest.h>

namespace seats {
namespace {

// The lowest cost bcrypt allows keeps these tests fast; the cost is a parameter.
constexpr int kCost = 4;

TEST(Password, HashesAreBcrypt2bWithTheConfiguredCost) {
  PasswordHasher hasher(kCost);
  std::string hash = hasher.hash("correct horse");
  EXPECT_EQ(hash.rfind("$2b$04$", 0), 0u) << hash;
  EXPECT_NE(hash, hasher.hash("correct horse")) << "salts must differ";
}

TEST(Password, VerifiesOnlyTheRightPassword) {
  PasswordHasher hasher(kCost);
  std::string hash = hasher.hash("correct horse");
  EXPECT_TRUE(hasher.verify("correct horse", hash));
  EXPECT_FALSE(hasher.verify("correct horsE", hash));
  EXPECT_FALSE(hasher.verify("", hash));
}

TEST(Password, NonBcryptStoredHashesNeverMatch) {
  PasswordHasher hasher(kCost);
  // Traditional DES crypt of "password" with salt "ab": libxcrypt would accept it.
  EXPECT_FALSE(hasher.verify("password", "abJnggxhB/yWI"));
  EXPECT_FALSE(hasher.verify("password", "password"));
  EXPECT_FALSE(hasher.verify("password", ""));
  EXPECT_FALSE(hasher.verify("password", "$1$abc$xyz"));
}

}  // namespace
}  // namespace seats
