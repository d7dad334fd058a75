#pragma once
// The `onair` command: parses arguments and runs a subcommand. Returns the exit code
// (0 ok, 1 errors found, 2 usage).
namespace onair {
int run_cli(int argc, char** argv);
}
