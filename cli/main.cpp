#include <sys/resource.h>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  // The soft descriptor limit (1,024 under systemd) is a default, not a budget: take the hard
  // one, so media, relays and logs always have room whatever network clients hold (the
  // control server has its own cap).
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  return onair::run_cli(argc, argv);
}
