// The one way into Boost.Asio for the project. g++ 12 with Boost 1.74 needs <utility> before
// any Asio header ("'exchange' is not a member of 'std'"), so every file includes Asio here.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace webshield {
namespace asio = boost::asio;
}  // namespace webshield
