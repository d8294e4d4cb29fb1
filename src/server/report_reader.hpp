// Reading a POSTed report (RFC 8460 §5.4): bounded decoding (gzip told by its magic bytes,
// whatever Content-Type says) and parsing under Limits, away from the event loop. Untrusted
// input. The routes see only the ReportReader interface, so that this work can move into a
// separate low-privilege process without touching them.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "net/asio.hpp"
#include "report/parse.hpp"
#include "report/report.hpp"

namespace webshield::server {

struct ReadFailure {
  bool too_large = false;  // over report_compressed_bytes or report_json_bytes: 413, else 400
  std::string message;     // the decoder's or parser's words, with where
};

using ReadResult = std::expected<report::Report, ReadFailure>;

// The pure step, for the reader and the fuzzer.
ReadResult read_posted_report(std::string_view body, const Limits& limits,
                              report::ReportParser& parser);

class ReportReader {
 public:
  virtual ~ReportReader() = default;
  // `body` must stay alive until the result is back.
  virtual asio::awaitable<ReadResult> read(std::string_view body) = 0;
};

// In this process: small bodies on the caller's thread (handing them to another thread costs
// more than reading them: at most kInlineBytes of gzip inflate to about 1,000 times as much, a
// few milliseconds of work), larger ones on a small thread pool with one parser per thread.
// read() is called from one thread, the event loop's.
class ThreadReportReader final : public ReportReader {
 public:
  ThreadReportReader(const Limits& limits, std::size_t threads);
  ~ThreadReportReader() override;

  asio::awaitable<ReadResult> read(std::string_view body) override;

  static constexpr std::size_t kInlineBytes = 2048;

 private:
  Limits limits_;
  report::ReportParser inline_parser_;
  asio::thread_pool pool_;
};

}  // namespace webshield::server
