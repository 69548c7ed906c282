#pragma once

#include <curl/curl.h>

#include <string>
#include <vector>

namespace seats {

// How one delivery attempt ended, in the terms of what happens next to the mail.
enum class Delivery { Sent, Temporary, Permanent };

struct DeliveryResult {
  Delivery delivery;
  std::string error;  // curl's message and the server's last reply code; empty when sent
};

// One SMTP client over libcurl (its SMTP, MIME and base64; nothing here speaks the
// protocol). It keeps one easy handle, so consecutive mails reuse the connection.
class SmtpSender {
 public:
  SmtpSender(std::string url, std::string from);
  ~SmtpSender();
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Sends a multipart/mixed mail: `text` (UTF-8, "\n" line ends) as text/plain in
  // quoted-printable, and `png`, when not empty, as an image/png attachment in base64.
  // A 5xx reply is Permanent; anything else that fails (4xx, refused, timeout) Temporary.
  DeliveryResult send(const std::string& to, const std::vector<std::string>& headers,
                      const std::string& text, const std::string& png, const std::string& png_name);

 private:
  std::string url_, from_;
  CURL* curl_;
};

}  // namespace seats
