#include "support/stream_checks.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cmath>
#include <fstream>
#include <thread>

extern char** environ;

namespace onair::test {

using namespace std::chrono_literals;

Child::Child(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::vector<std::string> a = args;
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
}

bool Child::wait(std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (pid > 0 && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return pid <= 0;
}

Child::~Child() {
  if (pid > 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

std::vector<float> read_f32(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::vector<float> v;
  float x;
  while (in.read(reinterpret_cast<char*>(&x), sizeof x)) v.push_back(x);
  return v;
}

double frequency(const float* x, std::size_t n, int rate) {
  double energy = 0;
  int crossings = 0;
  for (std::size_t i = 1; i < n; ++i) {
    energy += x[i] * x[i];
    crossings += (x[i - 1] < 0) != (x[i] < 0);
  }
  if (energy / static_cast<double>(n) < 1e-5) return 0;
  return crossings / 2.0 / (static_cast<double>(n) / rate);
}

TwoTones two_tones(const std::vector<float>& heard) {
  constexpr std::size_t w = 12000;
  TwoTones t;
  bool high_seen = false;
  for (std::size_t at = w; at + w <= heard.size(); at += w) {
    const double f = frequency(heard.data() + at, w, 48000);
    t.seen += std::to_string(static_cast<int>(f)) + " ";
    if (std::fabs(f - 440) < 15) {
      ++t.low;
      t.low_after_high |= high_seen;
    } else if (std::fabs(f - 880) < 15) {
      ++t.high;
      high_seen = true;
    } else {
      ++t.other;
    }
  }
  return t;
}

}  // namespace onair::test
