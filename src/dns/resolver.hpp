// The DNS edge: one small interface with two implementations, libunbound (validating,
// unbound_resolver.hpp) and a stub that trusts a validating resolver (stub_resolver.hpp), and
// fakes in tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "dns/answer.hpp"
#include "net/asio.hpp"

namespace webshield::dns {

class Resolver {
 public:
  using Callback = std::function<void(Answer)>;
  virtual ~Resolver() = default;
  // Calls `done` exactly once, on the resolver's executor.
  virtual void resolve(const std::string& name, std::uint16_t type, Callback done) = 0;
  // Questions asked so far, answers from a cache included.
  virtual std::size_t questions() const = 0;
};

// Awaitable form of Resolver::resolve.
asio::awaitable<Answer> lookup(Resolver& resolver, std::string name, std::uint16_t type);

}  // namespace webshield::dns
