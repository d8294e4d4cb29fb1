// The scheduled checks of the operator's [[domain]]s for the posture rules (posture.hpp), with
// the engine of `webshield check`: a few domains at a time, concurrently on the caller's event
// loop, never blocking it. Used by `webshield alerts check` and `webshield serve`.
#pragma once

#include <vector>

#include "analyze/alert_config.hpp"
#include "analyze/alert_run.hpp"
#include "check/check.hpp"
#include "net/asio.hpp"

namespace webshield::analyze {

// At most this many domains are checked at once (each check runs its own lookups and probes
// concurrently already).
constexpr std::size_t kPostureParallel = 8;

// One result for each domain whose check completed; a domain whose check failed is left out,
// so that its posture alerts stay as they were.
asio::awaitable<std::vector<PostureCheck>> check_domains(check::Checker& checker,
                                                         std::vector<DomainConfig> domains);

}  // namespace webshield::analyze
