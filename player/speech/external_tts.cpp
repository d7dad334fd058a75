#include "player/speech/external_tts.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace onair {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

std::string last_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  if (auto nl = s.rfind('\n'); nl != std::string::npos) s.erase(0, nl + 1);
  return s;
}

}  // namespace

ExternalTtsResult run_external_tts(const std::vector<std::string>& argv, const std::string& text,
                                   std::chrono::milliseconds timeout, std::size_t max_output) {
  ExternalTtsResult r;
  if (argv.empty()) {
    r.error = "the tts command is empty";
    return r;
  }
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return {{}, fmt::format("cannot create a pipe: {}", std::strerror(errno))};
  Fd in_r{in[0]}, in_w{in[1]};
  if (::pipe2(out, O_CLOEXEC) != 0) return {{}, fmt::format("cannot create a pipe: {}", std::strerror(errno))};
  Fd out_r{out[0]}, out_w{out[1]};
  if (::pipe2(err, O_CLOEXEC) != 0) return {{}, fmt::format("cannot create a pipe: {}", std::strerror(errno))};
  Fd err_r{err[0]}, err_w{err[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_w.fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  std::vector<std::string> args = argv;
  std::vector<char*> cargv;
  for (auto& a : args) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  in_r.reset();
  out_w.reset();
  err_w.reset();
  if (rc != 0) return {{}, fmt::format("tts command '{}' cannot be started: {}", argv[0], std::strerror(rc))};

  for (int fd : {in_w.fd, out_r.fd, err_r.fd}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  std::size_t sent = 0;
  if (text.empty()) in_w.reset();
  std::string errors;
  bool too_big = false, timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  while (out_r.fd >= 0 || err_r.fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (in_w.fd >= 0) fds[n++] = {in_w.fd, POLLOUT, 0};
    if (out_r.fd >= 0) fds[n++] = {out_r.fd, POLLIN, 0};
    if (err_r.fd >= 0) fds[n++] = {err_r.fd, POLLIN, 0};
    if (::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0 && errno != EINTR) break;
    for (nfds_t k = 0; k < n; ++k) {
      if (!fds[k].revents) continue;
      if (fds[k].fd == in_w.fd) {
        const ssize_t w = ::write(in_w.fd, text.data() + sent, text.size() - sent);
        if (w > 0) sent += static_cast<std::size_t>(w);
        if (w < 0 && errno != EAGAIN) in_w.reset();  // it does not read: let it answer anyway
        else if (sent == text.size()) in_w.reset();
        continue;
      }
      Fd& from = fds[k].fd == out_r.fd ? out_r : err_r;
      const ssize_t got = ::read(from.fd, buf, sizeof buf);
      if (got > 0) {
        std::string& into = &from == &out_r ? r.wav : errors;
        const std::size_t cap = &from == &out_r ? max_output : 4096;
        if (into.size() + static_cast<std::size_t>(got) > cap) {
          if (&from == &out_r) too_big = true;
          into.append(buf, cap - std::min(cap, into.size()));
        } else {
          into.append(buf, static_cast<std::size_t>(got));
        }
        if (too_big) break;
      } else if (got == 0 || errno != EAGAIN) {
        from.reset();
      }
    }
    if (too_big) break;
  }
  if (timed_out || too_big) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string why = last_line(errors);
  if (timed_out) r.error = fmt::format("tts command '{}' did not finish within {} s", argv[0], timeout.count() / 1000.0);
  else if (too_big) r.error = fmt::format("tts command '{}' wrote more than {} MiB", argv[0], max_output >> 20);
  else if (WIFSIGNALED(status)) r.error = fmt::format("tts command '{}' was killed by signal {}", argv[0], WTERMSIG(status));
  else if (WEXITSTATUS(status) != 0)
    r.error = fmt::format("tts command '{}' failed (exit status {}){}", argv[0], WEXITSTATUS(status),
                          why.empty() ? "" : ": " + why);
  else if (r.wav.size() < 44 || r.wav.compare(0, 4, "RIFF") != 0)
    r.error = fmt::format("tts command '{}' did not write a WAV file on its standard output{}", argv[0],
                          why.empty() ? "" : " (" + why + ")");
  if (!r.error.empty()) r.wav.clear();
  return r;
}

}  // namespace onair
