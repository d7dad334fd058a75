// The control API over real HTTP on a loopback port: every endpoint's success path (the
// station receives exactly the validated values), every kind of bad request (status code
// and message, and nothing reaching the station), tokens, binding rules, the status page.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "station/control_server.hpp"
#include "station/control.hpp"
#include "support/test_media.hpp"

using namespace onair;
using namespace onair::test;
using json = nlohmann::json;

namespace {

class FakeStation : public StationControl {
 public:
  json snapshot = {{"on_air", {{"title", "Bản tin thời sự"}, {"position_s", 12.5}, {"remaining_s", 100}}},
                   {"underruns", 0},
                   {"alarms", json::array()}};
  std::string reason;            // what every command answers
  bool throw_everywhere = false;

  json status() override {
    record("status");
    if (throw_everywhere) throw std::runtime_error("engine gone");
    return snapshot;
  }
  std::string skip() override { return command("skip"); }
  std::string stop_after_current(bool enable) override {
    return command(std::string("stop_after_current(") + (enable ? "true" : "false") + ")");
  }
  std::string insert_next(const ItemRequest& item) override { return command("insert_next", &item); }
  std::string break_in(const ItemRequest& item) override { return command("break_in", &item); }
  std::string reload() override { return command("reload"); }
  std::string add_bulletin(const BulletinRequest& b, std::string& id) override {
    {
      std::lock_guard lock(mutex_);
      bulletins_.push_back(b);
    }
    id = "b-20111126-053100";
    return command("add_bulletin");
  }
  json bulletins() override { return json::array({{{"id", "b-20111126-053100"}, {"level", "emergency"}}}); }
  std::string cancel_bulletin(const std::string& id) override { return command("cancel_bulletin(" + id + ")"); }
  std::string place_bulletin(const std::string& id, const std::string& program, int position) override {
    return command("place_bulletin(" + id + "," + program + "," + std::to_string(position) + ")");
  }
  std::vector<BulletinRequest> bulletin_requests() {
    std::lock_guard lock(mutex_);
    return bulletins_;
  }

  std::vector<std::string> commands() {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<ItemRequest> items() {
    std::lock_guard lock(mutex_);
    return items_;
  }
  int status_calls() {
    std::lock_guard lock(mutex_);
    return status_calls_;
  }

 private:
  void record(const std::string&) {
    std::lock_guard lock(mutex_);
    ++status_calls_;
  }
  std::string command(const std::string& name, const ItemRequest* item = nullptr) {
    std::lock_guard lock(mutex_);
    commands_.push_back(name);
    if (item) items_.push_back(*item);
    if (throw_everywhere) throw std::runtime_error("engine gone");
    return reason;
  }
  std::mutex mutex_;
  std::vector<BulletinRequest> bulletins_;
  std::vector<std::string> commands_;
  std::vector<ItemRequest> items_;
  int status_calls_ = 0;
};

struct Reply {
  int status = 0;
  json body;
  std::string text;
  httplib::Headers headers;
};

struct ControlApi : ::testing::Test {
  TempDir dir;
  FakeStation station;
  std::unique_ptr<ControlServer> server;

  void SetUp() override {
    write_file(dir / "media/alerts/storm.mp3", "not really audio; the API only checks that it exists");
    write_file(dir / "media/news/a.mp3", "x");
    write_file(dir / "secret.mp3", "outside the media root");
    std::filesystem::create_directories(dir / "media/folder.mp3");
    std::filesystem::create_symlink(dir / "secret.mp3", dir / "media/alerts/link.mp3");  // leads outside
    start();
  }

  void start(const std::string& token = "", const std::string& address = "127.0.0.1:0") {
    server.reset();
    ControlServerConfig cfg;
    cfg.address = address;
    cfg.token = token;
    cfg.media_root = dir / "media";
    server = std::make_unique<ControlServer>(station, cfg);
  }

  Reply request(const std::string& method, const std::string& path, const std::string& body = "",
                httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", server->port());
    client.set_read_timeout(10, 0);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    if (method == "GET") res = client.Get(path, headers);
    else if (method == "POST") res = client.Post(path, headers, body, "application/json");
    else if (method == "PUT") res = client.Put(path, headers, body, "application/json");
    else if (method == "DELETE") res = client.Delete(path, headers);
    else if (method == "OPTIONS") res = client.Options(path, headers);
    if (!res) {
      ADD_FAILURE() << method << " " << path << ": " << httplib::to_string(res.error());
      return {};
    }
    Reply r{res->status, json(), res->body, res->headers};
    r.body = json::parse(res->body, nullptr, false);
    return r;
  }
  Reply get(const std::string& path, httplib::Headers headers = {}) { return request("GET", path, "", headers); }
  Reply post(const std::string& path, const std::string& body = "", httplib::Headers headers = {}) {
    return request("POST", path, body, headers);
  }
  static std::string error_of(const Reply& r) {
    return r.body.is_object() && r.body.contains("error") ? r.body["error"].get<std::string>() : "<no error field>";
  }
};

std::string header(const Reply& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string("<absent>") : it->second;
}

// Sends raw bytes, returns the raw response (for requests httplib::Client cannot produce).
std::string raw_exchange(int port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "<connect failed>";
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)!write(fd, bytes.data(), bytes.size());  // no half-close: httplib takes it for a dead peer
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Success paths

TEST_F(ControlApi, StatusReturnsTheStationSnapshot) {
  auto r = get("/api/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, station.snapshot);
  EXPECT_EQ(header(r, "Content-Type").rfind("application/json", 0), 0u);
  EXPECT_EQ(station.status_calls(), 1);
  EXPECT_TRUE(station.commands().empty());
}

TEST_F(ControlApi, SkipAndReloadWithOrWithoutABody) {
  for (const char* body : {"", "{}", "  \n"}) {
    auto skip = post("/api/skip", body);
    EXPECT_EQ(skip.status, 200) << body << skip.text;
    EXPECT_EQ(skip.body, json({{"ok", true}}));
    EXPECT_EQ(post("/api/reload", body).status, 200);
  }
  EXPECT_EQ(station.commands(), (std::vector<std::string>{"skip", "reload", "skip", "reload", "skip", "reload"}));
}

TEST_F(ControlApi, StopAfterCurrentDefaultsToEnable) {
  EXPECT_EQ(post("/api/stop-after-current").status, 200);
  EXPECT_EQ(post("/api/stop-after-current", R"({"enable": false})").status, 200);
  EXPECT_EQ(post("/api/stop-after-current", R"({"enable": true})").status, 200);
  EXPECT_EQ(station.commands(), (std::vector<std::string>{"stop_after_current(true)", "stop_after_current(false)",
                                                          "stop_after_current(true)"}));
}

TEST_F(ControlApi, InsertPassesTheValidatedItem) {
  auto r = post("/api/insert", R"({"file": "news/../alerts/./storm.mp3", "title": "Cảnh báo bão", "gain_db": -3})");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body, json({{"ok", true}}));
  ASSERT_EQ(station.commands(), std::vector<std::string>{"insert_next"});
  const auto item = station.items().at(0);
  EXPECT_EQ(item.file, "alerts/storm.mp3");  // normalized, relative to the media root
  EXPECT_EQ(item.title, "Cảnh báo bão");
  EXPECT_DOUBLE_EQ(item.gain_db, -3.0);
  EXPECT_EQ(item.repeat, 1);
}

TEST_F(ControlApi, BreakInPassesRepeatAndDefaults) {
  ASSERT_EQ(post("/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": 3, "gain_db": 2.5})").status, 200);
  ASSERT_EQ(post("/api/break-in", R"({"file": "news/a.mp3"})").status, 200);
  ASSERT_EQ(station.commands(), (std::vector<std::string>{"break_in", "break_in"}));
  const auto items = station.items();
  EXPECT_EQ(items[0].file, "alerts/storm.mp3");
  EXPECT_EQ(items[0].repeat, 3);
  EXPECT_DOUBLE_EQ(items[0].gain_db, 2.5);
  EXPECT_EQ(items[1].file, "news/a.mp3");
  EXPECT_EQ(items[1].title, "");  // the station defaults it to the file name
  EXPECT_DOUBLE_EQ(items[1].gain_db, 0.0);
  EXPECT_EQ(items[1].repeat, 1);
  // The limits themselves are accepted.
  EXPECT_EQ(post("/api/break-in", R"({"file": "news/a.mp3", "repeat": 10, "gain_db": -60})").status, 200);
  EXPECT_EQ(post("/api/break-in", R"({"file": "news/a.mp3", "repeat": 1, "gain_db": 20})").status, 200);
}

TEST_F(ControlApi, FileTypedInTheOtherUnicodeNormalizationIsFound) {
  write_file(dir / "media/alerts/Ba\xCC\x83o.mp3", "x");  // NFD on disk
  auto r = post("/api/break-in", R"({"file": "alerts/B\u00e3o.mp3"})");  // NFC typed
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(station.items().at(0).file, "alerts/Ba\xCC\x83o.mp3");
}

// ---------------------------------------------------------------------------------------
// Bad requests: 400 with a message naming the field and value; nothing reaches the station

TEST_F(ControlApi, BadRequestsAreRejectedWithAClearMessage) {
  struct Case {
    const char* path;
    std::string body;
    std::vector<std::string> expected;  // substrings of the error message
  };
  const std::string title201(201, 't');
  const std::vector<Case> cases = {
      {"/api/insert", "{", {"request body is not valid JSON", "parse error"}},
      {"/api/insert", "[1, 2]", {"request body must be a JSON object, got array"}},
      {"/api/insert", "\"storm.mp3\"", {"must be a JSON object, got string"}},
      {"/api/insert", "{}", {"\"file\" is required"}},
      {"/api/insert", R"({"title": "x"})", {"\"file\" is required"}},
      {"/api/insert", R"({"file": 42})", {"\"file\" must be a string, got 42"}},
      {"/api/insert", R"({"file": null})", {"\"file\" must be a string, got null"}},
      {"/api/insert", R"({"file": ""})", {"\"file\" is empty"}},
      {"/api/insert", R"({"file": "/etc/passwd"})", {"\"file\" must be relative to the media root", "\"/etc/passwd\""}},
      {"/api/insert", R"({"file": "../secret.mp3"})", {"\"file\" \"../secret.mp3\" escapes the media root"}},
      {"/api/break-in", R"({"file": "alerts/../../secret.mp3"})", {"\"alerts/../../secret.mp3\" escapes the media root"}},
      {"/api/break-in", R"({"file": "alerts/link.mp3"})",
       {"\"file\" \"alerts/link.mp3\": path resolves (through a symbolic link) to", "outside the media root"}},
      {"/api/insert", R"({"file": "alerts/none.mp3"})", {"\"file\" \"alerts/none.mp3\" not found in the media root"}},
      {"/api/insert", R"({"file": "folder.mp3"})", {"\"file\" \"folder.mp3\" is not a regular file"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3\u0000.txt"})", {"\"file\" contains a control character"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "gain_db": 25})", {"\"gain_db\" must be a number from -60 to 20 (dB), got 25"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "gain_db": -60.5})", {"\"gain_db\"", "got -60.5"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "gain_db": "loud"})", {"\"gain_db\"", "got \"loud\""}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "gain_db": true})", {"\"gain_db\"", "got true"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "gain_db": 1e999})", {"not valid JSON", "number overflow"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": 0})", {"\"repeat\" must be a whole number from 1 to 10, got 0"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": 11})", {"\"repeat\"", "got 11"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": -1})", {"\"repeat\"", "got -1"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": 2.5})", {"\"repeat\"", "got 2.5"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": "2"})", {"\"repeat\"", "got \"2\""}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "repeat": 18446744073709551615})", {"\"repeat\""}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "repeat": 2})",
       {"unknown field \"repeat\" (insert accepts: file, title, gain_db)"}},
      {"/api/break-in", R"({"file": "alerts/storm.mp3", "colour": "red"})",
       {"unknown field \"colour\" (break-in accepts: file, title, gain_db, repeat)"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "title": 5})", {"\"title\" must be a string, got 5"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "title": ")" + title201 + "\"}", {"\"title\" is too long: 201 bytes (limit 200)"}},
      {"/api/insert", R"({"file": "alerts/storm.mp3", "title": "a\nb"})", {"\"title\" contains a control character"}},
      {"/api/skip", R"({"now": true})", {"unknown field \"now\" (skip takes no fields)"}},
      {"/api/skip", "[]", {"must be a JSON object, got array"}},
      {"/api/reload", "reload please", {"request body is not valid JSON"}},
      {"/api/stop-after-current", R"({"enable": "yes"})", {"\"enable\" must be true or false, got \"yes\""}},
      {"/api/stop-after-current", R"({"enable": 1})", {"\"enable\" must be true or false, got 1"}},
      {"/api/stop-after-current", R"({"on": true})", {"unknown field \"on\" (stop-after-current accepts: enable)"}},
  };
  for (const auto& c : cases) {
    auto r = post(c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.body << " -> " << r.text;
    const std::string error = error_of(r);
    for (const auto& e : c.expected) EXPECT_NE(error.find(e), std::string::npos) << c.path << " " << c.body << " -> " << error;
  }
  EXPECT_TRUE(station.commands().empty()) << "a bad request reached the station";
}

TEST_F(ControlApi, BodyOver64KiBIsRejected) {
  const std::string big = R"({"file": "alerts/storm.mp3", "title": ")" + std::string(70000, 'x') + "\"}";
  auto r = post("/api/insert", big);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(error_of(r).find("request body too large: " + std::to_string(big.size()) + " bytes (limit 65536)"),
            std::string::npos) << error_of(r);
  // Far beyond: refused without reading it all, still a JSON 400.
  auto huge = post("/api/insert", std::string(3 * 1024 * 1024, ' '));
  EXPECT_EQ(huge.status, 400);
  EXPECT_NE(error_of(huge).find("request body too large"), std::string::npos) << huge.text;
  // Exactly at the limit is fine as far as size goes.
  std::string at_limit = R"({"file": "alerts/storm.mp3"})";
  at_limit.resize(65536, ' ');
  EXPECT_EQ(post("/api/insert", at_limit).status, 200);
  EXPECT_EQ(station.commands(), std::vector<std::string>{"insert_next"});
}

TEST_F(ControlApi, UnknownPathIs404AndWrongMethodIs405) {
  auto nope = get("/api/nope");
  EXPECT_EQ(nope.status, 404);
  EXPECT_EQ(error_of(nope), "no such endpoint: \"/api/nope\"");
  EXPECT_EQ(get("/api/status/").status, 404);
  EXPECT_EQ(post("/api/skipp").status, 404);

  auto get_skip = get("/api/skip");
  EXPECT_EQ(get_skip.status, 405);
  EXPECT_EQ(error_of(get_skip), "method GET not allowed for /api/skip; use POST");
  EXPECT_EQ(header(get_skip, "Allow"), std::string("POST"));
  auto post_status = post("/api/status");
  EXPECT_EQ(post_status.status, 405);
  EXPECT_EQ(header(post_status, "Allow"), std::string("GET, HEAD"));
  EXPECT_EQ(request("DELETE", "/api/reload").status, 405);
  EXPECT_EQ(request("PUT", "/api/insert", R"({"file": "news/a.mp3"})").status, 405);
  EXPECT_EQ(request("OPTIONS", "/api/break-in").status, 405);  // no CORS preflight: no cross-origin use
  EXPECT_TRUE(station.commands().empty());
}

TEST_F(ControlApi, StationRefusalIs409WithItsReason) {
  station.reason = "nothing on air to skip";
  auto r = post("/api/skip");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, json({{"error", "nothing on air to skip"}}));
  auto insert = post("/api/insert", R"({"file": "news/a.mp3"})");
  EXPECT_EQ(insert.status, 409);
  EXPECT_EQ(error_of(insert), "nothing on air to skip");
}

TEST_F(ControlApi, ExceptionsBecome500AndTheServerKeepsServing) {
  station.throw_everywhere = true;
  auto status = get("/api/status");
  EXPECT_EQ(status.status, 500);
  EXPECT_EQ(error_of(status), "internal error: engine gone");
  EXPECT_EQ(post("/api/reload").status, 500);
  station.throw_everywhere = false;
  EXPECT_EQ(get("/api/status").status, 200);
}

TEST_F(ControlApi, MalformedHttpGetsA400AndTheServerKeepsServing) {
  const std::string ok = raw_exchange(server->port(), "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  const std::string reply = raw_exchange(server->port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("\"error\""), std::string::npos) << reply;
  EXPECT_EQ(get("/api/status").status, 200);
}

TEST_F(ControlApi, PostWithoutContentLengthHasAnEmptyBody) {
  // What `curl -X POST URL` sends.
  const std::string reply = raw_exchange(server->port(),
                                         "POST /api/skip HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  EXPECT_EQ(station.commands(), std::vector<std::string>{"skip"});
  const std::string insert = raw_exchange(server->port(),
                                          "POST /api/insert HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(insert.rfind("HTTP/1.1 400", 0), 0u) << insert;
  EXPECT_NE(insert.find("\\\"file\\\" is required"), std::string::npos) << insert;
}

TEST_F(ControlApi, ConcurrentRequestsAreAllAnswered) {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", server->port());
      for (int i = 0; i < 10; ++i) {
        auto res = client.Get("/api/status");
        if (res && res->status == 200) ++ok;
        auto skip = client.Post("/api/skip", "", "application/json");
        if (skip && skip->status == 200) ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 160);
  EXPECT_EQ(station.commands().size(), 80u);
}

// ---------------------------------------------------------------------------------------
// Token

TEST_F(ControlApi, TokenIsRequiredOnEveryRequestWhenSet) {
  start("s3cret-token");
  auto none = get("/api/status");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(error_of(none).find("missing or wrong token"), std::string::npos);
  EXPECT_EQ(header(none, "WWW-Authenticate"), std::string("Bearer realm=\"onair\""));
  EXPECT_EQ(get("/api/status", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(get("/api/status", {{"Authorization", "Bearer s3cret-toke"}}).status, 401);
  EXPECT_EQ(get("/api/status", {{"Authorization", "Basic s3cret-token"}}).status, 401);
  EXPECT_EQ(get("/api/status?token=wrong").status, 401);
  EXPECT_EQ(get("/api/nope").status, 401);  // nothing is revealed without the token
  EXPECT_EQ(post("/api/skip").status, 401);
  EXPECT_EQ(post("/api/break-in", R"({"file": "alerts/storm.mp3"})").status, 401);
  EXPECT_TRUE(station.commands().empty());
  EXPECT_EQ(station.status_calls(), 0);

  EXPECT_EQ(get("/api/status", {{"Authorization", "Bearer s3cret-token"}}).status, 200);
  EXPECT_EQ(get("/api/status", {{"Authorization", "bearer s3cret-token"}}).status, 200);
  EXPECT_EQ(get("/api/status?token=s3cret-token").status, 200);
  EXPECT_EQ(post("/api/skip?token=s3cret-token").status, 200);
  EXPECT_EQ(post("/api/break-in", R"({"file": "alerts/storm.mp3"})", {{"Authorization", "Bearer s3cret-token"}}).status, 200);
  EXPECT_EQ(station.commands(), (std::vector<std::string>{"skip", "break_in"}));

  // The page: a readable hint without the token, the page with it.
  auto page = get("/");
  EXPECT_EQ(page.status, 401);
  EXPECT_NE(page.text.find("?token="), std::string::npos);
  EXPECT_EQ(get("/?token=s3cret-token").status, 200);
}

// ---------------------------------------------------------------------------------------
// Binding

TEST_F(ControlApi, RefusesANonLoopbackAddressWithoutAToken) {
  for (const char* address : {"0.0.0.0:0", "[::]:0", "192.168.1.10:8640"}) {
    try {
      start("", address);
      ADD_FAILURE() << address << " was accepted without a token";
    } catch (const ControlServerError& e) {
      EXPECT_NE(std::string(e.what()).find("without a token"), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(start("tok", "0.0.0.0:0"));
  EXPECT_GT(server->port(), 0);
  EXPECT_EQ(get("/api/status", {{"Authorization", "Bearer tok"}}).status, 200);
  EXPECT_NO_THROW(start("", "localhost:0"));
  EXPECT_EQ(server->address(), "127.0.0.1:" + std::to_string(server->port()));
}

TEST_F(ControlApi, BadAddressesAreRefusedWithTheFormat) {
  for (const char* address : {"", "8640", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http", ":8640",
                              "::1:8640", "[::1]8640",
                              "example.com:8640"}) {  // listens on an address, as the config says (one parser)
    try {
      start("", address);
      ADD_FAILURE() << "'" << address << "' was accepted";
    } catch (const ControlServerError& e) {
      EXPECT_NE(std::string(e.what()).find("HOST:PORT"), std::string::npos) << e.what();
    }
  }
}

TEST_F(ControlApi, ASecondServerOnTheSamePortFails) {
  const int port = server->port();
  FakeStation other;
  ControlServerConfig cfg;
  cfg.address = "127.0.0.1:" + std::to_string(port);
  cfg.media_root = dir / "media";
  try {
    ControlServer second(other, cfg);
    ADD_FAILURE() << "two servers listen on port " << port;
  } catch (const ControlServerError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(get("/api/status").status, 200);
  // After a stop the port can be taken again at once.
  server->stop();
  server->stop();  // idempotent
  EXPECT_NO_THROW(ControlServer again(other, cfg));
}

TEST_F(ControlApi, WithoutATokenOnlyLoopbackHostNamesAndSameOriginPosts) {
  // DNS rebinding: a web page's own name resolving to 127.0.0.1.
  auto rebound = get("/api/status", {{"Host", "evil.example:8640"}});
  EXPECT_EQ(rebound.status, 403);
  EXPECT_NE(error_of(rebound).find("evil.example"), std::string::npos);
  EXPECT_EQ(get("/api/status", {{"Host", "localhost:8640"}}).status, 200);
  EXPECT_EQ(get("/api/status", {{"Host", "[::1]:8640"}}).status, 200);
  // A cross-site POST from a page in the operator's browser.
  auto csrf = post("/api/skip", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(csrf.status, 403);
  EXPECT_NE(error_of(csrf).find("cross-origin"), std::string::npos);
  EXPECT_TRUE(station.commands().empty());
  const std::string self = "127.0.0.1:" + std::to_string(server->port());
  EXPECT_EQ(post("/api/skip", "", {{"Host", self}, {"Origin", "http://" + self}}).status, 200);
  // With a token the token is the protection; any name may be used (e.g. behind a proxy).
  start("tok");
  EXPECT_EQ(get("/api/status", {{"Host", "studio.example:8640"}, {"Authorization", "Bearer tok"}}).status, 200);
}

// ---------------------------------------------------------------------------------------
// The status page

TEST_F(ControlApi, StatusPageIsSelfContainedAndPolls) {
  auto r = get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type").rfind("text/html", 0), 0u);
  const std::string& page = r.text;
  EXPECT_EQ(page, control_page_html());
  for (const char* needle : {"<meta name=\"viewport\"", "fetch('/api/status'", "const POLL_MS = 2000;",
                             "setTimeout(loop, POLL_MS)", "get('token')", "'Authorization': 'Bearer '",
                             "/api/skip", "/api/reload", "/api/break-in", "id=\"progress\"", "id=\"alarms\"",
                             "id=\"next\"", "id=\"hard\"", "id=\"buffer\"", "id=\"underruns\"", "id=\"drift\"",
                             "id=\"momentary\"", "id=\"shortterm\"", "id=\"peak\"", "id=\"lufsbar\"", "st.loudness"})
    EXPECT_NE(page.find(needle), std::string::npos) << needle;
  // No external assets.
  for (const char* external : {"src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import", "url("})
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  // Station text is inserted as text, never as HTML.
  EXPECT_EQ(page.find("innerHTML"), std::string::npos);
  EXPECT_NE(header(r, "Content-Security-Policy")
                .find("frame-ancestors 'none'"),
            std::string::npos);
}
