#include "cli/cli.hpp"

int main(int argc, char** argv) { return onair::run_cli(argc, argv); }
