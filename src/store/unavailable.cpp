// store::open() before the SQLite/PostgreSQL implementation exists: every URL is refused, so
// that commands which need a store fail as with a store that is down.
#include "store/store.hpp"

namespace webshield::store {

Result<std::unique_ptr<Store>> open(std::string_view url) {
  return fail("no store implementation in this build", std::string(url));
}

std::string default_url() {
  return "sqlite:webshield.db";
}

}  // namespace webshield::store
