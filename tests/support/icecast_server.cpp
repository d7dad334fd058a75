#include "support/icecast_server.hpp"
#include "support/processes.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace onair::test {

IcecastServer::IcecastServer(const std::filesystem::path& dir) : dir_(dir), port_(free_port()) {
  std::filesystem::create_directories(dir_ / "log");
  std::filesystem::permissions(dir_ / "log", std::filesystem::perms::all);  // for nobody
  std::ofstream(dir_ / "icecast.xml")
      << "<icecast>\n"
         "  <location>test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>\n"
         "  <limits><clients>200</clients><sources>8</sources><queue-size>524288</queue-size>\n"
         "    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>\n"
         "    <source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect>\n"
         "    <burst-size>65535</burst-size></limits>\n"
         "  <authentication><source-password>"
      << kSourcePassword
      << "</source-password><admin-user>admin</admin-user>"
         "<admin-password>admin-pass</admin-password></authentication>\n"
         "  <listen-socket><port>"
      << port_
      << "</port><bind-address>127.0.0.1</bind-address></listen-socket>\n"
         "  <fileserve>1</fileserve>\n"
         "  <paths><basedir>/usr/share/icecast2</basedir><logdir>"
      << (dir_ / "log").string()
      << "</logdir><webroot>/usr/share/icecast2/web</webroot>"
         "<adminroot>/usr/share/icecast2/admin</adminroot></paths>\n"
         "  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>"
         "<loglevel>3</loglevel></logging>\n"
         "  <security><chroot>0</chroot>"
      << (::geteuid() == 0 ? "<changeowner><user>nobody</user><group>nogroup</group></changeowner>" : "")
      << "</security>\n"
         "</icecast>\n";
  start();
}

IcecastServer::~IcecastServer() { kill(); }

void IcecastServer::start() {
  if (pid_ > 0) return;
  const std::string config = (dir_ / "icecast.xml").string();
  std::vector<std::string> argv_s = {"icecast2", "-c", config};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawnp(&pid_, "icecast2", nullptr, nullptr, argv.data(), environ) != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot start icecast2 (apt-get install icecast2)");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!status_json().empty()) return;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("icecast2 exited at start; see " + (dir_ / "log/error.log").string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill();
  throw std::runtime_error("icecast2 did not answer within 20 s");
}

void IcecastServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string IcecastServer::source_url(const std::string& mount) const {
  return "icecast://source:" + std::string(kSourcePassword) + "@127.0.0.1:" + std::to_string(port_) + mount;
}

std::string IcecastServer::listen_url(const std::string& mount) const {
  return "http://127.0.0.1:" + std::to_string(port_) + mount;
}

std::string IcecastServer::status_json() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(1);
  c.set_read_timeout(2);
  auto r = c.Get("/status-json.xsl");
  return r && r->status == 200 ? r->body : std::string();
}

}  // namespace onair::test
