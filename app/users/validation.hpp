#pragma once

#include <string>

namespace seats {

// Registration input rules from the contract. Each returns the value to store or throws
// ApiError(ValidationFailed) naming the field.

// Trimmed, `local@domain` without whitespace or control characters, at most 254 bytes,
// lower-cased.
std::string normalize_email(const std::string& email);
// The form an e-mail is looked up by at login: trimmed and lower-cased, not validated
// (a malformed address simply matches no account).
std::string email_lookup_key(const std::string& email);
// 8..72 bytes, never trimmed: bcrypt silently ignores everything past byte 72.
void check_password(const std::string& password);
// Trimmed, 1..100 code points, no control characters.
std::string normalize_name(const std::string& name);

}  // namespace seats
