#include "users/accounts.hpp"

#include "auth/password.hpp"
#include "auth/token.hpp"
#include "db/error.hpp"
#include "http/problem.hpp"

namespace seats {
namespace {

constexpr size_t kMaxPasswordBytes = 72;

constexpr const char* kInsertUser =
    "INSERT INTO users (email, password_hash, name) VALUES (?, ?, ?)";
constexpr const char* kFindUserByEmail =
    "SELECT id, name, password_hash, role FROM users WHERE email = ?";
constexpr const char* kUserExists = "SELECT 1 FROM users WHERE id = ?";

}  // namespace

Account register_account(Connection& db, PasswordHasher& passwords, const std::string& email,
                         const std::string& password, const std::string& name) {
  std::string hash = passwords.hash(password);
  Statement& insert = db.statement(kInsertUser);
  try {
    insert.run({email, hash, name});
  } catch (const DbError& e) {
    if (e.kind() == DbError::Kind::DuplicateKey) {
      throw ApiError(Err::EmailTaken, "An account with this e-mail already exists");
    }
    throw;
  }
  return {insert.insert_id(), name, email};
}

Session login(Connection& db, PasswordHasher& passwords, const TokenService& tokens,
              LoginThrottle& throttle, const std::string& email, const std::string& password) {
  // Before any hashing: a throttled e-mail costs a storm one cheap query per attempt.
  throttle.check(db, email);
  Statement& find = db.statement(kFindUserByEmail);
  find.run({email});
  // bcrypt ignores bytes past 72, so a longer password must not match a shorter one.
  if (!find.next() || password.size() > kMaxPasswordBytes) {
    passwords.verify_dummy(password);
    throttle.failed(db, email);
    throw ApiError(Err::InvalidCredentials, "E-mail or password is wrong");
  }
  Account user{find.int64(0), find.text(1), email, find.text(3)};
  std::string stored = find.text(2);
  if (!passwords.verify(password, stored)) {
    throttle.failed(db, email);
    throw ApiError(Err::InvalidCredentials, "E-mail or password is wrong");
  }
  IssuedToken issued = tokens.issue(user.id, std::time(nullptr));
  return {user, issued.token, issued.expires_at};
}

bool user_exists(Connection& db, int64_t user_id) {
  Statement& exists = db.statement(kUserExists);
  exists.run({user_id});
  return exists.next();
}

}  // namespace seats
