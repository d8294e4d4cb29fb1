// Runs the real `webshield` binary for the command-line tests: exit status and output.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace webshield::test {

struct CliRun {
  int status = -1;
  std::string out;
};

inline std::string shell_quote(std::string_view arg) {
  std::string q = "'";
  for (char c : arg)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs webshield with `args` and `input` on standard input (one file per process: ctest runs
// tests in parallel). Standard error joins the output when `merge`, else it is dropped.
inline CliRun run_webshield(const std::vector<std::string_view>& args, std::string_view input = "",
                            bool merge = true) {
  const std::string in_path =
      ::testing::TempDir() + "webshield_cli_input_" + std::to_string(getpid());
  std::ofstream(in_path, std::ios::binary) << input;
  std::string cmd = "NO_COLOR= " + shell_quote(WEBSHIELD_BINARY);
  for (std::string_view a : args)
    cmd += " " + shell_quote(a);
  cmd += " < " + shell_quote(in_path) + (merge ? " 2>&1" : " 2>/dev/null");
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;)
    run.out.append(buf, n);
  const int raw = pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

inline CliRun run_webshield(std::initializer_list<std::string_view> args,
                            std::string_view input = "", bool merge = true) {
  return run_webshield(std::vector<std::string_view>(args), input, merge);
}

}  // namespace webshield::test
