// The --db option, the --domain/--since/--until selection and the output helpers of the
// commands on stored reports. Dates on the command line are trusted input from the user, the
// stored text is not: it is made safe for a terminal before it is printed.
#include "cli/store_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <iostream>

#include "core/time.hpp"

namespace webshield::cli {

void add_db_option(CLI::App& cmd, DbArgs& args) {
  cmd.add_option("--db", args.url,
                 "Database URL: sqlite:PATH, a file name, or postgresql://user@host/db "
                 "(default sqlite:$XDG_DATA_HOME/webshield/webshield.db, "
                 "~/.local/share when XDG_DATA_HOME is unset)")
      ->option_text("URL");
}

std::unique_ptr<store::Store> open_store(const DbArgs& args, int& status) {
  const std::string url = args.url.empty() ? store::default_url() : args.url;
  auto opened = store::open(url);
  if (!opened) {
    std::cerr << "webshield: cannot open " << store::redact_url(url) << ": "
              << opened.error().message << '\n';
    status = kExitDatabase;
    return nullptr;
  }
  return std::move(*opened);
}

void add_selection_options(CLI::App& cmd, SelectionArgs& args, bool with_until) {
  cmd.add_option("--domain", args.domain, "Only this policy domain (case-insensitive)");
  cmd.add_option("--since", args.since,
                 "Reports whose date range starts at or after: 30d (the 30 days before "
                 "today, UTC), YYYY-MM-DD or an RFC 3339 date-time");
  if (with_until) {
    cmd.add_option("--until", args.until,
                   "Reports whose date range starts before the end of this day (YYYY-MM-DD) "
                   "or before this RFC 3339 date-time");
  }
}

Result<store::Selection> selection_from(const SelectionArgs& args, UnixSeconds now) {
  auto sel = store::make_selection(args.domain, args.since, args.until, now);
  if (!sel) return fail(sel.error().message, "--" + sel.error().where);  // --since, --until
  return sel;
}

std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80
               && static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      out += '?';  // C1 control, U+0080..U+009F
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string when(UnixSeconds t) {
  return format_utc(t);
}

namespace {

// Characters on screen, roughly: UTF-8 continuation bytes take no column.
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  return n;
}

}  // namespace

Table::Table(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
}

void Table::add(std::vector<std::string> cells) {
  for (std::string& c : cells)
    c = terminal_safe(c);
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out, std::string_view indent) const {
  std::vector<std::size_t> widths(header_.size());
  for (std::size_t c = 0; c < header_.size(); ++c) {
    widths[c] = width(header_[c]);
    for (const auto& row : rows_)
      widths[c] = std::max(widths[c], width(row[c]));
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text(indent);
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(widths[c] - width(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      if (right_[c]) {
        text += pad + cells[c];
      } else {
        text += cells[c];
        if (!last) text += pad;
      }
      if (!last) text += "  ";
    }
    out << text << '\n';
  };
  line(header_);
  for (const auto& row : rows_)
    line(row);
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string json_line(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace webshield::cli
