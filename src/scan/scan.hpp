// Bulk checks (`webshield scan`): domains stream in one per line and results stream out as JSON
// Lines the moment each domain is done, with a bounded number of domains in flight, so memory
// does not grow with the list and a killed scan keeps everything it wrote. Untrusted input: the
// list itself (bad lines become error records, never a stop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <unordered_set>

#include "check/check.hpp"

namespace webshield::scan {

struct Tally {
  std::size_t domains = 0;  // checked
  std::size_t bad_lines = 0;
  std::size_t skipped = 0;    // already in the output (--resume)
  std::size_t timed_out = 0;  // not finished within the per-domain time limit
  std::map<std::string, std::size_t> verdicts;
  std::map<std::string, std::size_t> codes;
  Findings all;  // one finding per distinct code and severity, for the exit status

  nlohmann::json to_json() const;
};

// Identifies a domain already present in an output file without keeping its name.
std::uint64_t domain_key(std::string_view ascii_name);

// The domains of a JSON Lines output file, for --resume. A last line cut short by a kill is
// reported in `truncate_to` (the length of the complete lines) so it can be cut off.
struct ResumeState {
  std::unordered_set<std::uint64_t> done;
  std::size_t truncate_to = 0;
};
ResumeState read_previous_output(std::istream& in);

class Scanner {
 public:
  using Progress = std::function<void(const Tally&)>;

  // `domain_timeout` bounds each domain's whole check (zero: only the per-step timeouts);
  // a domain over it is written as an `unknown` record and the scan goes on.
  Scanner(check::Checker& checker, std::size_t concurrency,
          std::chrono::milliseconds domain_timeout = {})
      : checker_(checker), concurrency_(concurrency), domain_timeout_(domain_timeout) {}

  // Runs until `in` is exhausted and every domain is written to `out`.
  asio::awaitable<void> run(std::istream& in, std::ostream& out, const ResumeState& resume,
                            Progress progress);

  const Tally& tally() const { return tally_; }

 private:
  asio::awaitable<bool> worker();
  // The next domain to check, writing error records for bad lines on the way.
  std::optional<DomainName> next_domain();
  void record(const check::CheckResult& result);
  void record_timeout(const DomainName& domain);
  asio::awaitable<std::optional<check::CheckResult>> check_within_limit(DomainName domain);

  check::Checker& checker_;
  std::size_t concurrency_;
  std::chrono::milliseconds domain_timeout_;
  std::istream* in_ = nullptr;
  std::ostream* out_ = nullptr;
  const ResumeState* resume_ = nullptr;
  Progress progress_;
  Tally tally_;
  std::size_t line_ = 0;
};

}  // namespace webshield::scan
