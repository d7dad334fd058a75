#pragma once
// Helpers for tests that drive real processes and sockets: `onair run` as a child, a TCP
// client connection, a process's resident memory.
#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace onair::test {

// Starts `onair run --config CONFIG` (stdout to /dev/null, stderr to `stderr_file`, empty:
// /dev/null), with `fd_limit` as its soft and hard RLIMIT_NOFILE when given (as under
// systemd); returns its PID.
pid_t start_daemon(const std::filesystem::path& config, const std::filesystem::path& stderr_file = {},
                   std::optional<long> fd_limit = std::nullopt);

// A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts). Throws
// std::runtime_error if there is none.
int free_port();

// A connected TCP socket to 127.0.0.1:port, or -1.
int connect_loopback(int port);

// VmRSS of a process in KiB, -1 if unknown.
long rss_kib(pid_t pid);

}  // namespace onair::test
