// The station with `outputs:`: a paced null master, an Icecast push to a server that is not
// there and the built-in stream server. The status lists every output with its connection
// and listeners; `stream_down` is raised for the missing server, naming it and never its
// password; the master airs the day untouched; a listener hears each item's title.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/station_fixture.hpp"
#include "support/processes.hpp"

using namespace onair;
using namespace onair::test;
using namespace std::chrono_literals;

namespace {
const auto D = date::year(2011) / 11 / 26;
}  // namespace

TEST_F(StationTest, OutputsShowInTheStatusAndAMissingStreamServerRaisesStreamDown) {
  tone("a.wav", 440, 3);
  tone("b.wav", 660, 3);
  schedule("2011-11-26.yaml",
           "programs:\n  - {id: p, at: \"06:00\", items: [{file: a.wav, title: \"Tin sáng\"}, "
           "{file: b.wav, title: \"Nhạc\"}]}\n");
  const int dead = free_port(), port = free_port();
  auto c = config();
  const std::string icecast = "icecast://source:hackme@127.0.0.1:" + std::to_string(dead) + "/x.mp3";
  const std::string listen = "listen://127.0.0.1:" + std::to_string(port) + "/x.mp3";
  c.outputs = {"null", icecast, listen};
  c.alarms.stream_down_after = 1s;
  StationHooks hooks;
  hooks.virtual_start = local(D, 6h);
  hooks.run_frames = 6 * kRate;
  hooks.monitor_period = 50ms;
  Station station(c, std::move(hooks));

  nlohmann::json seen_status, seen_alarm;
  std::string heard;
  std::jthread watcher([&] {
    // A listener asking for titles, read until the station stops.
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; ++i) {
      fd = connect_loopback(port);
      if (fd < 0) std::this_thread::sleep_for(20ms);
    }
    if (fd < 0) return;
    const std::string req = "GET /x.mp3 HTTP/1.0\r\nIcy-MetaData: 1\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[8192];
    for (int i = 0; i < 400; ++i) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        heard.append(buf, static_cast<std::size_t>(n));
      }
      const auto st = station.status();
      if (seen_status.is_null() && st.contains("outputs") && st["outputs"].size() == 3 &&
          st["outputs"][2].value("listeners", 0) == 1 && st["outputs"][1].value("failures", 0) >= 1)
        seen_status = st;
      for (const auto& a : station.alarms().active())
        if (a["kind"] == "stream_down") seen_alarm = a;
    }
    ::close(fd);
  });
  ASSERT_EQ(station.run({}), 0);
  watcher.join();

  ASSERT_FALSE(seen_status.is_null()) << "no status with the listener in it";
  const auto& outs = seen_status["outputs"];
  EXPECT_EQ(outs[0]["name"], "null");
  EXPECT_EQ(outs[1]["name"], "icecast://127.0.0.1:" + std::to_string(dead) + "/x.mp3");
  EXPECT_EQ(outs[1]["connected"], false);
  EXPECT_GE(outs[1].value("failures", 0), 1) << outs.dump();
  EXPECT_TRUE(outs[1].contains("last_error")) << outs.dump();
  EXPECT_EQ(outs[2]["name"], listen);
  EXPECT_EQ(outs[2]["connected"], true);
  EXPECT_EQ(outs[2]["listeners"], 1);
  ASSERT_FALSE(seen_alarm.is_null()) << "stream_down was not raised";
  const std::string message = seen_alarm["message"];
  EXPECT_NE(message.find("icecast://127.0.0.1:" + std::to_string(dead) + "/x.mp3"), std::string::npos) << message;
  EXPECT_EQ(seen_status.dump().find("hackme"), std::string::npos);
  EXPECT_EQ(message.find("hackme"), std::string::npos) << message;
  // The master aired both items in full.
  auto records = asrun("2011-11-26");
  ASSERT_EQ(records.size(), 2u) << dump(records);
  for (const auto& r : records) EXPECT_EQ(r["status"], "played") << dump(records);
  // The listener saw the titles.
  EXPECT_NE(heard.find("StreamTitle='Tin sáng';"), std::string::npos);
  EXPECT_NE(heard.find("StreamTitle='Nhạc';"), std::string::npos);
}
