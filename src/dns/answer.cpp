#include "dns/answer.hpp"

namespace webshield::dns {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::answer:
      return "answer";
    case Status::nxdomain:
      return "nxdomain";
    case Status::nodata:
      return "nodata";
    case Status::servfail:
      return "servfail";
    case Status::timeout:
      return "timeout";
  }
  return "servfail";
}

std::string_view to_string(Security security) {
  switch (security) {
    case Security::secure:
      return "secure";
    case Security::insecure:
      return "insecure";
    case Security::bogus:
      return "bogus";
    case Security::indeterminate:
      return "indeterminate";
  }
  return "indeterminate";
}

}  // namespace webshield::dns
