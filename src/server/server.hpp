// `webshield serve` put together: the store threads, the report reader, the routes and the
// HTTP server on one event loop, until SIGTERM or SIGINT (requests in progress finish first).
#pragma once

#include "analyze/alert_config.hpp"
#include "check/check.hpp"
#include "core/limits.hpp"
#include "net/asio.hpp"
#include "server/config.hpp"

namespace webshield::server {

// Exit status: 0 after a clean stop, 1 when the database, the auth file or the listening
// address cannot be used.
// `checker` runs the public check on `io`; nullptr turns it off. `alerts`: the alert rules and
// notifications of the configuration file; nullptr: the defaults, without notifications.
// `posture_checker` checks the [[domain]]s for the posture alerts; nullptr: none.
int serve(const ServeConfig& config, const Limits& limits, asio::io_context& io,
          check::Checker* checker, const analyze::AlertConfig* alerts = nullptr,
          check::Checker* posture_checker = nullptr);

}  // namespace webshield::server
