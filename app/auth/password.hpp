#pragma once

#include <string>
#include <string_view>

struct crypt_data;  // libxcrypt's scratch area, kept out of this header

namespace seats {

// bcrypt ($2b$) through libxcrypt. One instance per worker: crypt_data is 32 KiB and is
// reused rather than put on the stack for every login.
class PasswordHasher {
 public:
  explicit PasswordHasher(int cost);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  std::string hash(std::string_view password);
  // True when `password` matches `stored`. A stored value that is not a sound $2b$ hash
  // never matches (libxcrypt would otherwise fall back to DES for some inputs).
  bool verify(std::string_view password, const std::string& stored);
  // Spends the same time as a verify against a real account, for unknown e-mails, so the
  // answer's timing does not reveal which addresses have accounts.
  void verify_dummy(std::string_view password);

 private:
  int cost_;
  ::crypt_data* scratch_;
  std::string dummy_hash_;
};

}  // namespace seats
