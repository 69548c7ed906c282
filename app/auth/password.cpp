#include "auth/password.hpp"

#include <crypt.h>
#include <sys/random.h>

#include <cstring>
#include <stdexcept>

namespace seats {
namespace {

constexpr const char* kBcryptPrefix = "$2b$";
constexpr size_t kSaltEntropyBytes = 16;

bool is_bcrypt(const std::string& stored) {
  return stored.rfind(kBcryptPrefix, 0) == 0 && crypt_checksalt(stored.c_str()) == CRYPT_SALT_OK;
}

// crypt_rn signals failure with NULL or an output starting with '*'.
bool crypt_ok(const char* out) { return out && out[0] != '*'; }

}  // namespace

PasswordHasher::PasswordHasher(int cost) : cost_(cost), scratch_(new crypt_data) {
  dummy_hash_ = hash("dummy password for unknown accounts");
}

PasswordHasher::~PasswordHasher() { delete scratch_; }

std::string PasswordHasher::hash(std::string_view password) {
  char entropy[kSaltEntropyBytes];
  if (getrandom(entropy, sizeof entropy, 0) != static_cast<ssize_t>(sizeof entropy)) {
    throw std::runtime_error("getrandom failed");
  }
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  // The cost is passed explicitly: 0 would silently mean libxcrypt's default.
  if (!crypt_gensalt_rn(kBcryptPrefix, static_cast<unsigned long>(cost_), entropy, sizeof entropy,
                        setting, sizeof setting)) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  std::string phrase(password);
  std::memset(scratch_, 0, sizeof *scratch_);
  const char* out = crypt_rn(phrase.c_str(), setting, scratch_, sizeof *scratch_);
  if (!crypt_ok(out)) throw std::runtime_error("crypt_rn failed");
  return out;
}

bool PasswordHasher::verify(std::string_view password, const std::string& stored) {
  if (!is_bcrypt(stored)) {
    verify_dummy(password);
    return false;
  }
  std::string phrase(password);
  std::memset(scratch_, 0, sizeof *scratch_);
  const char* out = crypt_rn(phrase.c_str(), stored.c_str(), scratch_, sizeof *scratch_);
  if (!crypt_ok(out)) return false;
  // Constant-time comparison: the hash must not leak through early exits.
  size_t length = std::strlen(out);
  if (length != stored.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < length; ++i) diff |= static_cast<unsigned char>(out[i] ^ stored[i]);
  return diff == 0;
}

void PasswordHasher::verify_dummy(std::string_view password) {
  std::string phrase(password);
  std::memset(scratch_, 0, sizeof *scratch_);
  crypt_rn(phrase.c_str(), dummy_hash_.c_str(), scratch_, sizeof *scratch_);
}

}  // namespace seats
