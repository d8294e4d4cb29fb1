// `webshield auth user NAME` and `webshield auth token NAME`: lines for the auth file of
// `webshield serve` (server/auth.hpp). The password is read from standard input (without echo
// on a terminal); a new token is printed once, only its hash goes into the file.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "server/auth.hpp"

namespace webshield::cli {
namespace {

std::string read_password() {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << "Password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << '\n';
  }
  return password;
}

// A name of the auth file: one word. Sets the usage status when it is not.
bool valid_name(const std::string& name, int& status) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && c > ' ' && c != '#' && c <= '~';
  if (!ok) {
    std::cerr << "webshield: a name is 1 to 64 visible characters without '#'\n";
    status = kExitUsage;
  }
  return ok;
}

}  // namespace

void add_auth_command(CLI::App& app, int& status) {
  CLI::App* cmd = app.add_subcommand(
      "auth", "Make lines for the auth file of `webshield serve` (append them to the file)");
  cmd->require_subcommand(1);
  auto name = std::make_shared<std::string>();

  CLI::App* user = cmd->add_subcommand(
      "user",
      "Print a user line: the password is read from standard input and hashed with "
      "PBKDF2-HMAC-SHA256");
  user->add_option("NAME", *name, "User name")->required();
  user->callback([name, &status] {
    if (!valid_name(*name, status)) return;
    const std::string password = read_password();
    if (password.size() < 12) {
      std::cerr << "webshield: use a password of at least 12 characters\n";
      status = kExitUsage;
      return;
    }
    std::cout << server::hash_password_line(*name, password) << '\n';
    status = 0;
  });

  CLI::App* token = cmd->add_subcommand(
      "token",
      "Make a new random token: prints the token on standard error (keep it: it is "
      "shown once) and its auth-file line on standard output");
  token->add_option("NAME", *name, "What the token is for, e.g. grafana")->required();
  token->callback([name, &status] {
    if (!valid_name(*name, status)) return;
    auto [secret, line] = server::new_token_line(*name);
    std::cerr << "token: " << secret << '\n';
    std::cout << line << '\n';
    status = 0;
  });
}

}  // namespace webshield::cli
