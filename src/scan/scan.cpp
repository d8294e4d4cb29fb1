#include "scan/scan.hpp"

#include <set>

#include "check/render.hpp"
#include "check/task.hpp"
#include "core/ascii.hpp"

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
  return {{"domains", domains},
          {"bad_lines", bad_lines},
          {"skipped", skipped},
          {"verdicts", verdicts},
          {"codes", codes}};
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

asio::awaitable<bool> Scanner::worker() {
  while (auto domain = next_domain()) {
    const DomainName name = std::move(*domain);
    const check::CheckResult result = co_await checker_.check(name);
    record(result);
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
