#include "mail/smtp.hpp"

#include <memory>
#include <stdexcept>

namespace seats {
namespace {

constexpr long kConnectTimeoutSeconds = 10;
constexpr long kTotalTimeoutSeconds = 60;

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct MimeFree {
  void operator()(curl_mime* mime) const { curl_mime_free(mime); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

// SMTP ends lines with CRLF, and curl's quoted-printable encoder keeps only CRLF as a line
// break (a bare LF would be encoded as =0A).
std::string crlf_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

bool append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (!grown) return false;
  list.release();
  list.reset(grown);
  return true;
}

}  // namespace

SmtpSender::SmtpSender(std::string url, std::string from)
    : url_(std::move(url)), from_(std::move(from)), curl_(curl_easy_init()) {
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

SmtpSender::~SmtpSender() { curl_easy_cleanup(curl_); }

DeliveryResult SmtpSender::send(const std::string& to, const std::vector<std::string>& headers,
                                const std::string& text, const std::string& png,
                                const std::string& png_name) {
  Slist recipients, header_list;
  if (!append(recipients, "<" + to + ">")) return {Delivery::Temporary, "out of memory"};
  for (const std::string& h : headers) {
    if (!append(header_list, h)) return {Delivery::Temporary, "out of memory"};
  }

  std::unique_ptr<curl_mime, MimeFree> mime(curl_mime_init(curl_));
  std::string body = crlf_lines(text);
  curl_mimepart* part = curl_mime_addpart(mime.get());
  curl_mime_data(part, body.data(), body.size());
  curl_mime_type(part, "text/plain; charset=UTF-8");
  curl_mime_encoder(part, "quoted-printable");
  if (!png.empty()) {
    part = curl_mime_addpart(mime.get());
    curl_mime_data(part, png.data(), png.size());
    curl_mime_type(part, "image/png");
    curl_mime_filename(part, png_name.c_str());
    curl_mime_encoder(part, "base64");
  }

  curl_easy_reset(curl_);
  curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, ("<" + from_ + ">").c_str());
  curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl_, CURLOPT_MIMEPOST, mime.get());
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT, kTotalTimeoutSeconds);
  // No SIGALRM for timeouts: the mailer's own signals must stay its own.
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  // smtp:// is plain SMTP, as its URL says (a relay on loopback or a private network);
  // smtps:// is TLS with the server's certificate verified, curl's default. Credentials,
  // if the relay wants them, come in the URL (smtp://user:password@host:587).
  curl_easy_setopt(curl_, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));

  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
  CURLcode code = curl_easy_perform(curl_);
  long reply = 0;
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_OK) return {Delivery::Sent, ""};
  std::string message = std::string(curl_easy_strerror(code)) + (error[0] ? ": " : "") + error;
  if (reply > 0) message += " (reply " + std::to_string(reply) + ")";
  return {reply >= 500 && reply <= 599 ? Delivery::Permanent : Delivery::Temporary, message};
}

}  // namespace seats
