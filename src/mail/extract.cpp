#include "mail/extract.hpp"

#include <fmt/format.h>
#include <gmime/gmime.h>

#include <mutex>

#include "core/ascii.hpp"

namespace webshield::mail {
namespace {

// GMime must be initialised once per process, before threads use it (TRAPS.md).
void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// Owns one GObject reference.
template <class T>
class Ref {
 public:
  explicit Ref(T* p = nullptr) : p_(p) {}
  ~Ref() {
    if (p_ != nullptr) g_object_unref(p_);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  T* get() const { return p_; }

 private:
  T* p_;
};

std::string lower_or_empty(const char* s) {
  return s == nullptr ? std::string() : ascii::lower(s);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// How surely a part is the report: 2 by its TLS-RPT type, 1 by a generic type and a name,
// 0 not at all.
int report_rank(const std::string& type, const std::string& filename) {
  // RFC 8460 §5.3: application/tlsrpt+gzip or application/tlsrpt+json.
  if (type == "application/tlsrpt+gzip" || type == "application/tlsrpt+json") return 2;
  // quirk: plain application/tlsrpt (fixture mail-auth/rpt02.eml).
  if (type == "application/tlsrpt") return 2;
  const bool named = ends_with(filename, ".json") || ends_with(filename, ".json.gz")
                     || ends_with(filename, ".gz") || ends_with(filename, ".zip");
  if (type == "application/gzip" || type == "application/x-gzip" || type == "application/zip"
      || type == "application/x-zip-compressed" || type == "application/json") {
    return 1;
  }
  if ((type == "application/octet-stream" || type.starts_with("text/")) && named) return 1;
  return 0;
}

struct Walk {
  const Limits& limits;
  std::size_t parts = 0;
  GMimePart* best = nullptr;
  int best_rank = 0;
  bool too_many = false;

  void visit(GMimeObject* obj) {
    if (too_many) return;
    if (++parts > limits.report_mail_parts) {
      too_many = true;
      return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
      GMimeMultipart* mp = GMIME_MULTIPART(obj);
      const int n = g_mime_multipart_get_count(mp);
      for (int i = 0; i < n && !too_many; ++i)
        visit(g_mime_multipart_get_part(mp, i));
      return;
    }
    if (!GMIME_IS_PART(obj)) return;  // message/rfc822 and the like: not looked into
    GMimePart* part = GMIME_PART(obj);
    GMimeContentType* ct = g_mime_object_get_content_type(obj);
    const std::string type = lower_or_empty(g_mime_content_type_get_media_type(ct)) + "/"
                             + lower_or_empty(g_mime_content_type_get_media_subtype(ct));
    const int rank = report_rank(type, lower_or_empty(g_mime_part_get_filename(part)));
    if (rank > best_rank) {
      best = part;
      best_rank = rank;
    }
  }
};

std::optional<std::string> header(GMimeObject* obj, const char* name) {
  const char* v = g_mime_object_get_header(obj, name);
  if (v == nullptr) return std::nullopt;
  std::string s(ascii::trim_wsp(v));
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

Result<MailReport> extract_report(std::string_view raw, const Limits& limits,
                                  const ExtractOptions& options) {
  // GMime has no limits of its own (200k empty parts took 271 MB): cap the raw size first.
  if (raw.size() > limits.report_mail_bytes) {
    return fail(fmt::format("mail of {} bytes, over the limit report_mail_bytes ({})", raw.size(),
                            limits.report_mail_bytes));
  }
  init_gmime();
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (message.get() == nullptr) return fail("not a mail message");
  GMimeObject* top_obj = GMIME_OBJECT(message.get());
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  GMimeHeaderList* headers = g_mime_object_get_header_list(top_obj);
  if (body == nullptr || headers == nullptr || g_mime_header_list_get_count(headers) == 0) {
    return fail("not a mail message (no header fields), nor gzip, zip or JSON");
  }

  MailReport out;
  out.report_domain = header(top_obj, "TLS-Report-Domain");
  out.submitter = header(top_obj, "TLS-Report-Submitter");
  out.subject = header(top_obj, "Subject");
  out.dkim = options.verify_dkim ? "not-checked" : "skipped";

  GMimeContentType* top_type = g_mime_object_get_content_type(body);
  const bool is_report =
      top_type != nullptr
      && lower_or_empty(g_mime_content_type_get_media_type(top_type)) == "multipart"
      && lower_or_empty(g_mime_content_type_get_media_subtype(top_type)) == "report";
  const std::string report_type =
      top_type == nullptr
          ? ""
          : lower_or_empty(g_mime_content_type_get_parameter(top_type, "report-type"));

  Walk walk{limits};
  walk.visit(body);
  if (walk.too_many) {
    return fail(
        fmt::format("more than {} MIME parts (limit report_mail_parts)", limits.report_mail_parts));
  }
  if (walk.best == nullptr) {
    return fail(is_report && report_type == "tlsrpt"
                    ? "TLS report mail without a report part (application/tlsrpt+gzip or +json)"
                    : "not a TLS report: the mail has no multipart/report; report-type=tlsrpt "
                      "and no report attachment");
  }
  // RFC 8460 §5.3: the mail is multipart/report with report-type "tlsrpt".
  if (!is_report) {
    out.warnings.push_back("mail is not multipart/report; report part found by its type");
  } else if (report_type != "tlsrpt") {
    out.warnings.push_back("multipart/report without report-type=tlsrpt");
  }
  if (GMIME_IS_MULTIPART(body)) {
    // quirk: Mail.ru omits the closing boundary; GMime reads the message all the same.
    const char* boundary = g_mime_multipart_get_boundary(GMIME_MULTIPART(body));
    if (boundary != nullptr
        && raw.find(fmt::format("--{}--", boundary)) == std::string_view::npos) {
      out.warnings.push_back("MIME closing boundary missing");
    }
  }
  // RFC 8460 §5.3: TLS-Report-Domain and TLS-Report-Submitter MUST be present.
  if (!out.report_domain) out.warnings.push_back("TLS-Report-Domain header missing");
  if (!out.submitter) out.warnings.push_back("TLS-Report-Submitter header missing");

  GMimeObject* part_obj = GMIME_OBJECT(walk.best);
  GMimeContentType* ct = g_mime_object_get_content_type(part_obj);
  out.content_type = lower_or_empty(g_mime_content_type_get_media_type(ct)) + "/"
                     + lower_or_empty(g_mime_content_type_get_media_subtype(ct));
  if (const char* name = g_mime_part_get_filename(walk.best)) out.filename = std::string(name);
  if (walk.best_rank < 2) {
    out.warnings.push_back(
        fmt::format("report part has type {}, not application/tlsrpt+gzip or "
                    "+json",
                    ascii::printable(out.content_type)));
  }
  GMimeDataWrapper* content = g_mime_part_get_content(walk.best);
  if (content == nullptr) return fail("report part is empty");
  Ref<GMimeStream> mem(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(content, mem.get()) < 0) {
    return fail("cannot decode the report part");
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  out.attachment.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
  return out;
}

}  // namespace webshield::mail
