#include "dns/resolver.hpp"

namespace webshield::dns {

asio::awaitable<Answer> lookup(Resolver& resolver, std::string name, std::uint16_t type) {
  auto initiate = [&resolver](auto handler, std::string qname, std::uint16_t qtype) {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    resolver.resolve(qname, qtype, [shared](Answer answer) {
      auto executor = asio::get_associated_executor(*shared);
      asio::dispatch(executor, [shared, answer = std::move(answer)]() mutable {
        (*shared)(std::move(answer));
      });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Answer)>(
      initiate, asio::use_awaitable, std::move(name), type);
}

}  // namespace webshield::dns
