#include "support/stream_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

extern char** environ;

namespace onair::test {

StreamServer::StreamServer(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_s = {"python3", ONAIR_SOURCE_DIR "/tests/support/stream_server.py"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  out_ = fds[0];
  if (rc != 0) {
    pid_ = -1;
    ::close(out_);
    out_ = -1;
    throw std::runtime_error("cannot start stream_server.py");
  }
  try {
    port_ = read_port();
  } catch (...) {
    kill();
    ::close(out_);
    throw;
  }
}

StreamServer::~StreamServer() {
  kill();
  if (out_ >= 0) ::close(out_);
}

void StreamServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int StreamServer::read_port() {
  using Clock = std::chrono::steady_clock;
  std::string line;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{out_, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) throw std::runtime_error("stream_server.py: no port");
    char buf[64];
    const ssize_t n = ::read(out_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("stream_server.py exited: " + line);
    line.append(buf, static_cast<std::size_t>(n));
  }
  return std::stoi(line);
}

}  // namespace onair::test
