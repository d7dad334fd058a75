// The CLI side (`onair status|skip|...`) against a real control server: what the operator
// sees, what reaches the station, and the exit codes (0 ok, 1 refused, 2 usage, 3 unreachable).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/control_client.hpp"
#include "station/control_server.hpp"
#include "station/control.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;
using json = nlohmann::json;

namespace {

const json kSnapshot = json::parse(R"({
  "now": "2011-11-26T05:33:12.000+07:00",
  "state": "playing",
  "on_air": {"title": "Bản tin thời sự", "program": "morning", "source": "news/thoi-su.mp3", "kind": "file",
             "start": "2011-11-26T05:30:00.000+07:00", "end": "2011-11-26T05:42:30.000+07:00",
             "position_s": 192.4, "remaining_s": 557.6},
  "next": {"title": "Tiếp sóng VOV1", "program": "morning", "source": "http://127.0.0.1:8000/vov1", "kind": "relay",
           "start": "2011-11-26T05:42:30.000+07:00", "end": "2011-11-26T05:57:30.000+07:00"},
  "next_hard_start": {"title": "Chương trình buổi trưa", "program": "noon", "source": "jingles/noon.mp3",
                      "kind": "file", "start": "2011-11-26T11:00:00.000+07:00", "end": "2011-11-26T11:00:05.000+07:00"},
  "output": "pa:system",
  "buffer_s": 0.35, "underruns": 2, "device_reopens": 0, "drift_ppm": 1.46, "failures": 0,
  "alarms": [{"kind": "relay", "message": "relay http://127.0.0.1:8000/vov1 cannot be opened",
              "first": "2011-11-26T05:31:00+07:00", "last": "2011-11-26T05:33:00+07:00", "count": 3,
              "notified": null}]
})");

class FakeStation : public StationControl {
 public:
  std::string reason;
  int skip_delay_ms = 0;
  json status() override { return kSnapshot; }
  std::string skip() override {
    if (skip_delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(skip_delay_ms));
    return record("skip");
  }
  std::string stop_after_current(bool enable) override { return record(enable ? "stop(on)" : "stop(off)"); }
  std::string insert_next(const ItemRequest& item) override { return record("insert", &item); }
  std::string break_in(const ItemRequest& item) override { return record("break_in", &item); }
  std::string reload() override { return record("reload"); }
  std::string add_bulletin(const BulletinRequest& b, std::string& id) override {
    {
      std::lock_guard lock(mutex_);
      bulletins_.push_back(b);
    }
    id = "b-20111126-053100";
    return record("add_bulletin");
  }
  json bulletins() override { return json::array({{{"id", "b-20111126-053100"}, {"level", "emergency"}}}); }
  std::string cancel_bulletin(const std::string& id) override { return record("cancel_bulletin(" + id + ")"); }
  std::string place_bulletin(const std::string& id, const std::string& program, int position) override {
    return record("place_bulletin(" + id + "," + program + "," + std::to_string(position) + ")");
  }
  std::vector<BulletinRequest> bulletin_requests() {
    std::lock_guard lock(mutex_);
    return bulletins_;
  }

  std::vector<std::string> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<ItemRequest> items() {
    std::lock_guard lock(mutex_);
    return items_;
  }

 private:
  std::string record(const std::string& name, const ItemRequest* item = nullptr) {
    std::lock_guard lock(mutex_);
    calls_.push_back(name);
    if (item) items_.push_back(*item);
    return reason;
  }
  std::mutex mutex_;
  std::vector<BulletinRequest> bulletins_;
  std::vector<std::string> calls_;
  std::vector<ItemRequest> items_;
};

struct CliRun {
  int code = -1;
  std::string out, err;
};

struct ControlCli : ::testing::Test {
  TempDir dir;
  FakeStation station;
  std::unique_ptr<ControlServer> server;

  void SetUp() override {
    unsetenv("ONAIR_TOKEN");
    write_file(dir / "media/alerts/storm.mp3", "x");
    start();
  }
  void TearDown() override { unsetenv("ONAIR_TOKEN"); }

  void start(const std::string& token = "") {
    server.reset();
    ControlServerConfig cfg;
    cfg.address = "127.0.0.1:0";
    cfg.token = token;
    cfg.media_root = dir / "media";
    server = std::make_unique<ControlServer>(station, cfg);
  }
  ControlArgs args() {
    ControlArgs a;
    a.control = server->address();
    return a;
  }
  static CliRun invoke(const std::string& name, const ControlArgs& a) {
    std::ostringstream out, err;
    CliRun r;
    r.code = control_command(name, a, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
};

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// A loopback port where nothing listens.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_F(ControlCli, StatusPrintsAFewReadableLines) {
  auto r = invoke("status", args());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out,
            "On air:          Bản tin thời sự (morning)\n"
            "                 3:12, 9:18 left (started 05:30:00)\n"
            "Next:            Tiếp sóng VOV1 (morning) at 05:42:30\n"
            "Next hard start: Chương trình buổi trưa (noon) at 11:00:00 (in 5:26:48)\n"
            "Alarms:          1\n"
            "  ! [relay] relay http://127.0.0.1:8000/vov1 cannot be opened (since 05:31:00, 3 times)\n"
            "Output:          pa:system, buffer 350 ms, underruns 2, drift +1.5 ppm\n");
}

TEST_F(ControlCli, StatusJsonIsTheSnapshot) {
  auto a = args();
  a.json = true;
  auto r = invoke("status", a);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), kSnapshot);
}

TEST_F(ControlCli, FormatStatusToleratesAnEmptySnapshot) {
  EXPECT_EQ(format_status(json::object()),
            "On air:          nothing\n"
            "Next:            none\n"
            "Next hard start: none\n"
            "Alarms:          none\n"
            "Output:          buffer ?, underruns ?, drift ? ppm\n");
  EXPECT_NO_THROW(format_status(json::parse(R"({"on_air": 5, "alarms": [1, "x", {}], "next": [], "now": 3,
                                               "next_hard_start": {"start": "garbage"}})")));
  EXPECT_EQ(format_status(json::parse(R"({"state": "starting", "on_air": null})")).rfind("On air:          nothing (starting)\nNext:", 0),
            0u);
  auto held = json::parse(R"({"state": "held", "on_air": {"source": "relay", "position_s": 3700.2, "remaining_s": null},
                              "device_reopens": 1, "failures": 2, "buffer_s": 0.1234})");
  const std::string text = format_status(held);
  EXPECT_EQ(text.rfind("On air:          relay\n"
                       "                 1:01:40\n"
                       "                 held: stopped after the item on air",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("buffer 123 ms, underruns ?, device reopened 1x, 2 failed sources, drift ? ppm"), std::string::npos)
      << text;
}

TEST_F(ControlCli, CommandsReachTheStationAndConfirm) {
  auto a = args();
  auto skip = invoke("skip", a);
  EXPECT_EQ(skip.code, 0) << skip.err;
  EXPECT_EQ(skip.out, "Skipped the item on air.\n");
  EXPECT_EQ(invoke("stop-after-current", a).out, "Will stop after the current item.\n");
  a.off = true;
  EXPECT_EQ(invoke("stop-after-current", a).code, 0);
  EXPECT_EQ(invoke("reload", a).out, "Reloaded the schedules.\n");

  auto ins = args();
  ins.file = "alerts/storm.mp3";
  ins.title = "Cảnh báo bão";
  ins.gain_db = -6;
  auto insert = invoke("insert", ins);
  EXPECT_EQ(insert.code, 0) << insert.err;
  EXPECT_EQ(insert.out, "Inserted next: alerts/storm.mp3.\n");

  auto brk = args();
  brk.file = "alerts/storm.mp3";
  brk.repeat = 3;
  auto br = invoke("break-in", brk);
  EXPECT_EQ(br.code, 0) << br.err;
  EXPECT_EQ(br.out, "Breaking in with alerts/storm.mp3 (3 times).\n");

  EXPECT_EQ(station.calls(), (std::vector<std::string>{"skip", "stop(on)", "stop(off)", "reload", "insert", "break_in"}));
  const auto items = station.items();
  EXPECT_EQ(items[0].file, "alerts/storm.mp3");
  EXPECT_EQ(items[0].title, "Cảnh báo bão");
  EXPECT_DOUBLE_EQ(items[0].gain_db, -6.0);
  EXPECT_EQ(items[1].repeat, 3);
  EXPECT_EQ(items[1].title, "");
}

TEST_F(ControlCli, BadRequestPrintsTheServersMessageOnOneLineAndExits1) {
  auto a = args();
  a.file = "../etc/passwd";
  auto r = invoke("break-in", a);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err.rfind("onair: \"file\" \"../etc/passwd\" escapes the media root", 0), 0u) << r.err;

  a.file = "alerts/storm.mp3";
  a.repeat = 11;
  r = invoke("break-in", a);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "onair: \"repeat\" must be a whole number from 1 to 10, got 11\n");
  EXPECT_TRUE(station.calls().empty());
}

TEST_F(ControlCli, StationRefusalExits1WithItsReason) {
  station.reason = "nothing on air to skip";
  auto r = invoke("skip", args());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "onair: nothing on air to skip\n");
}

TEST_F(ControlCli, UnreachableDaemonExits3) {
  auto a = args();
  const int port = closed_port();
  a.control = "127.0.0.1:" + std::to_string(port);
  auto r = invoke("status", a);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "onair: cannot reach onair at 127.0.0.1:" + std::to_string(port) + ": connection refused\n");
}

TEST_F(ControlCli, HungDaemonExits3) {
  station.skip_delay_ms = 2500;
  auto a = args();
  a.timeout_s = 1;
  auto r = invoke("skip", a);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err.rfind("onair: cannot reach onair at " + server->address() + ": no answer", 0), 0u) << r.err;
}

TEST_F(ControlCli, TokenFromTheOptionOrTheEnvironment) {
  start("s3cret");
  auto a = args();
  auto missing = invoke("status", a);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("missing or wrong token"), std::string::npos) << missing.err;

  setenv("ONAIR_TOKEN", "s3cret", 1);
  EXPECT_EQ(invoke("status", a).code, 0);
  a.token = "wrong";  // --token wins over the environment
  EXPECT_EQ(invoke("skip", a).code, 1);
  a.token = "s3cret";
  unsetenv("ONAIR_TOKEN");
  EXPECT_EQ(invoke("skip", a).code, 0);
  EXPECT_EQ(station.calls(), std::vector<std::string>{"skip"});
}

TEST_F(ControlCli, UsageErrorsExit2) {
  auto a = args();
  a.control = "localhost";
  auto r = invoke("status", a);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(count_lines(r.err), 1);
  EXPECT_NE(r.err.find("HOST:PORT"), std::string::npos) << r.err;
  a.control = "127.0.0.1:0";
  EXPECT_EQ(invoke("status", a).code, 2);
  EXPECT_EQ(invoke("frobnicate", args()).code, 2);
}
