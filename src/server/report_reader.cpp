// Decoding and parsing POSTed reports on worker threads.
#include "server/report_reader.hpp"

#include "codec/decode.hpp"
#include "server/resume.hpp"

namespace webshield::server {

ReadResult read_posted_report(std::string_view body, const Limits& limits,
                              report::ReportParser& parser) {
  auto decoded = codec::decode_report(body, limits);
  if (!decoded) {
    return std::unexpected(
        ReadFailure{codec::over_limit(decoded.error()), decoded.error().describe()});
  }
  auto parsed = parser.parse(decoded->bytes);
  if (!parsed) return std::unexpected(ReadFailure{false, parsed.error().describe()});
  for (std::string& w : decoded->warnings)
    parsed->warnings.push_back(std::move(w));
  return std::move(*parsed);
}

ThreadReportReader::ThreadReportReader(const Limits& limits, std::size_t threads)
    : limits_(limits), inline_parser_(limits_), pool_(threads) {}

ThreadReportReader::~ThreadReportReader() {
  pool_.join();
}

asio::awaitable<ReadResult> ThreadReportReader::read(std::string_view body) {
  if (body.size() <= kInlineBytes) co_return read_posted_report(body, limits_, inline_parser_);
  Starter<ReadResult> start = [this, &body](Done<ReadResult> done) {
    asio::post(pool_, [this, &body, done = std::move(done)]() mutable {
      thread_local report::ReportParser parser(limits_);
      done(read_posted_report(body, limits_, parser));
    });
  };
  co_return co_await resume_after(&start);
}

}  // namespace webshield::server
