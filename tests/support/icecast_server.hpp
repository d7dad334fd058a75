#pragma once
// A real Icecast 2 server (Debian's icecast2) on a free loopback port, with a config of its
// own in a temporary folder, started as a child process and stopped by PID when the object
// dies (even when an assertion failed half-way). As root it drops to nobody, as Icecast
// insists.
#include <sys/types.h>

#include <filesystem>
#include <string>

namespace onair::test {

class IcecastServer {
 public:
  static constexpr const char* kSourcePassword = "s3cret-source";

  // Waits up to 20 s for the server to answer /status-json.xsl. Throws if it does not.
  explicit IcecastServer(const std::filesystem::path& dir);
  ~IcecastServer();
  IcecastServer(const IcecastServer&) = delete;
  IcecastServer& operator=(const IcecastServer&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // icecast://source:PASSWORD@127.0.0.1:PORT/MOUNT
  std::string source_url(const std::string& mount) const;
  // http://127.0.0.1:PORT/MOUNT, for a listener.
  std::string listen_url(const std::string& mount) const;
  // GET /status-json.xsl (empty if it does not answer).
  std::string status_json() const;

  void kill();   // SIGKILL, as when the server machine dies
  void start();  // again, on the same port

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace onair::test
