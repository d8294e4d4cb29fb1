// Checking the [[domain]]s for the posture rules.
#include "analyze/posture_check.hpp"

#include <algorithm>
#include <exception>

#include "check/task.hpp"
#include "core/domain_name.hpp"

namespace webshield::analyze {

asio::awaitable<std::vector<PostureCheck>> check_domains(check::Checker& checker,
                                                         std::vector<DomainConfig> domains) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  std::vector<PostureCheck> out;
  for (std::size_t first = 0; first < domains.size(); first += kPostureParallel) {
    const std::size_t end = std::min(domains.size(), first + kPostureParallel);
    std::vector<check::Task<check::CheckResult>> tasks;
    std::vector<const DomainConfig*> batch;
    for (std::size_t i = first; i < end; ++i) {
      auto name = DomainName::parse(domains[i].name);
      if (!name) continue;  // the configuration refuses such names
      asio::awaitable<check::CheckResult> work = checker.check(*name);
      tasks.push_back(check::start(executor, std::move(work)));
      batch.push_back(&domains[i]);
    }
    for (std::size_t k = 0; k < tasks.size(); ++k) {
      try {
        check::CheckResult result = co_await tasks[k].get();
        out.push_back({*batch[k], std::move(result)});
      } catch (const std::exception&) {
        // Left out: nothing new is known about this domain.
      }
    }
  }
  co_return out;
}

}  // namespace webshield::analyze
