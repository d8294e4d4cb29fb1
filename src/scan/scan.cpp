#include "scan/scan.hpp"

#include <fmt/format.h>

#include <ctime>
#include <set>

#include "check/render.hpp"
#include "check/task.hpp"
#include "core/ascii.hpp"
#include "core/time.hpp"

namespace webshield::scan {

std::uint64_t domain_key(std::string_view name) {
  // FNV-1a, 64 bits: collisions among a few million names are vanishingly unlikely.
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

nlohmann::json Tally::to_json() const {
  return {{"domains", domains},     {"bad_lines", bad_lines}, {"skipped", skipped},
          {"timed_out", timed_out}, {"verdicts", verdicts},   {"codes", codes}};
}

ResumeState read_previous_output(std::istream& in) {
  ResumeState state;
  std::string line;
  std::size_t offset = 0;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no final line break: cut short by a kill
    offset += line.size() + 1;
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object() && record.contains("domain") && record["domain"].is_string()) {
      state.done.insert(domain_key(record["domain"].get<std::string>()));
    }
    state.truncate_to = offset;
  }
  return state;
}

std::optional<DomainName> Scanner::next_domain() {
  std::string line;
  while (std::getline(*in_, line)) {
    ++line_;
    const std::string_view text = ascii::trim_wsp(line);
    if (text.empty() || text.starts_with('#')) continue;
    if (resume_->done.contains(domain_key(ascii::printable(text)))) {
      ++tally_.skipped;  // written before, as itself or as an error record
      continue;
    }
    auto name = DomainName::parse(text.ends_with('\r') ? text.substr(0, text.size() - 1) : text);
    if (!name) {
      ++tally_.bad_lines;
      *out_ << nlohmann::json{{"domain", ascii::printable(text)},
                              {"verdict", "error"},
                              {"error", "line " + std::to_string(line_)
                                            + ": not a domain name: " + name.error().describe()}}
                   .dump()
            << '\n'
            << std::flush;
      continue;
    }
    if (resume_->done.contains(domain_key(name->ascii()))) {
      ++tally_.skipped;
      continue;
    }
    return std::move(*name);
  }
  return std::nullopt;
}

void Scanner::record(const check::CheckResult& result) {
  // One line per domain, flushed, so a killed scan keeps every finished domain.
  *out_ << check::to_json(result).dump() << '\n' << std::flush;
  ++tally_.domains;
  ++tally_.verdicts[std::string(to_string(result.verdict))];
  std::set<std::string> seen;
  for (const Finding& f : result.findings) {
    if (seen.insert(f.code).second) ++tally_.codes[f.code];
    const bool known = std::ranges::any_of(
        tally_.all, [&](const Finding& g) { return g.code == f.code && g.severity == f.severity; });
    if (!known) tally_.all.push_back(f);
  }
  if (progress_) progress_(tally_);
}

void Scanner::record_timeout(const DomainName& domain) {
  *out_ << nlohmann::json{{"domain", domain.ascii()},
                          {"verdict", "unknown"},
                          {"checked_at", format_utc(std::time(nullptr))},
                          {"error", fmt::format("the check did not finish within {} s",
                                                domain_timeout_.count() / 1000.0)}}
               .dump()
        << '\n'
        << std::flush;
  ++tally_.domains;
  ++tally_.timed_out;
  ++tally_.verdicts["unknown"];
  if (progress_) progress_(tally_);
}

namespace {

// A check racing a timer: whichever ends first wakes the waiting worker.
struct Race {
  explicit Race(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::optional<check::CheckResult> result;
};

}  // namespace

// Nothing when the check was still running at the limit: it goes on in the background, bounded
// by its own step timeouts, and its result is dropped.
asio::awaitable<std::optional<check::CheckResult>> Scanner::check_within_limit(DomainName domain) {
  if (domain_timeout_.count() == 0) {
    check::CheckResult result = co_await checker_.check(std::move(domain));
    co_return result;
  }
  auto ex = co_await asio::this_coro::executor;
  auto race = std::make_shared<Race>(ex);
  race->timer.expires_after(domain_timeout_);
  asio::co_spawn(ex, checker_.check(std::move(domain)),
                 [race](std::exception_ptr e, check::CheckResult result) {
                   if (e) std::rethrow_exception(e);
                   race->result = std::move(result);
                   race->timer.cancel();
                 });
  boost::system::error_code ec;
  co_await race->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return std::move(race->result);
}

asio::awaitable<bool> Scanner::worker() {
  while (auto domain = next_domain()) {
    const DomainName name = std::move(*domain);
    const std::optional<check::CheckResult> result = co_await check_within_limit(name);
    if (result) {
      record(*result);
    } else {
      record_timeout(name);
    }
  }
  co_return true;
}

asio::awaitable<void> Scanner::run(std::istream& in, std::ostream& out, const ResumeState& resume,
                                   Progress progress) {
  in_ = &in;
  out_ = &out;
  resume_ = &resume;
  progress_ = std::move(progress);
  auto ex = co_await asio::this_coro::executor;
  std::vector<check::Task<bool>> workers;
  for (std::size_t i = 0; i < concurrency_; ++i)
    workers.emplace_back(ex, worker());
  for (auto& w : workers)
    co_await w.get();
}

}  // namespace webshield::scan
