// A hand-written as-run log covering every status, two broadcast days, a crash recovered
// (start line + `interrupted` record), an item in flight when the log stops, and a torn
// last line. Line numbers matter to the tests: keep them in the comments in step.
#include <string>

namespace onair::test {

// Declared where used (tests/report has no headers of its own).
const std::string& two_day_log();
const std::string& two_day_log() {
  static const std::string log =
    // 1-2: morning #0 played, 12 ms late
    R"({"event":"start","day":"2011-11-26","program":"morning","item":0,"title":"Nhạc hiệu","source":"jingles/opening.mp3","scheduled":"2011-11-26T05:30:00.000+07:00","started":"2011-11-26T05:30:00.012+07:00","offset_ms":12,"planned_s":5.0})" "\n"
    R"({"day":"2011-11-26","program":"morning","item":0,"title":"Nhạc hiệu","source":"jingles/opening.mp3","scheduled":"2011-11-26T05:30:00.000+07:00","started":"2011-11-26T05:30:00.012+07:00","ended":"2011-11-26T05:30:05.012+07:00","offset_ms":12,"planned_s":5.0,"played_s":5.0,"status":"played","detail":""})" "\n"
    // 3-4: morning #1 cut, 40 ms early (crossfade), the largest |offset| of the day
    R"({"event":"start","day":"2011-11-26","program":"morning","item":1,"title":"Bản tin thời sự","source":"news/thoi-su.mp3","scheduled":"2011-11-26T05:30:05.000+07:00","started":"2011-11-26T05:30:04.960+07:00","offset_ms":-40,"planned_s":750.0})" "\n"
    R"({"day":"2011-11-26","program":"morning","item":1,"title":"Bản tin thời sự","source":"news/thoi-su.mp3","scheduled":"2011-11-26T05:30:05.000+07:00","started":"2011-11-26T05:30:04.960+07:00","ended":"2011-11-26T05:41:45.460+07:00","offset_ms":-40,"planned_s":750.0,"played_s":700.5,"status":"cut","detail":"cut by the hard start of noon"})" "\n"
    // 5: morning #2 failed before air (no start line)
    R"({"day":"2011-11-26","program":"morning","item":2,"title":"Tiếp sóng VOV1","source":"http://127.0.0.1:8000/vov1","scheduled":"2011-11-26T05:41:45.460+07:00","started":"2011-11-26T05:41:45.460+07:00","ended":"2011-11-26T05:41:45.460+07:00","offset_ms":0,"planned_s":900.0,"played_s":0.0,"status":"failed","detail":"cannot open stream: Connection refused"})" "\n"
    // 6-7: between programmes: fill then silence
    R"({"day":"2011-11-26","program":"","item":0,"title":"Nhạc nền","source":"fill/a.mp3","scheduled":"2011-11-26T05:41:45.460+07:00","started":"2011-11-26T05:41:45.463+07:00","ended":"2011-11-26T05:43:45.463+07:00","offset_ms":3,"planned_s":120.0,"played_s":120.0,"status":"fill","detail":""})" "\n"
    R"({"day":"2011-11-26","program":"","item":0,"title":"silence","source":"","scheduled":"2011-11-26T05:43:45.463+07:00","started":"2011-11-26T05:43:45.463+07:00","ended":"2011-11-26T05:43:47.463+07:00","offset_ms":0,"planned_s":2.0,"played_s":2.0,"status":"silence","detail":""})" "\n"
    // 8: noon #0 skipped
    R"({"day":"2011-11-26","program":"noon","item":0,"title":"Quảng cáo","source":"ads/x.mp3","scheduled":"2011-11-26T11:00:00.000+07:00","started":"2011-11-26T11:00:00.000+07:00","ended":"2011-11-26T11:00:00.000+07:00","offset_ms":0,"planned_s":60.0,"played_s":0.0,"status":"skipped","detail":"file missing at air time"})" "\n"
    // 9-10: noon #1 played, a title with quotes and a comma (CSV)
    R"({"event":"start","day":"2011-11-26","program":"noon","item":1,"title":"Tin \"nóng\", trong ngày","source":"news/nong.mp3","scheduled":"2011-11-26T11:00:00.000+07:00","started":"2011-11-26T11:00:00.008+07:00","offset_ms":8,"planned_s":30.0})" "\n"
    R"({"day":"2011-11-26","program":"noon","item":1,"title":"Tin \"nóng\", trong ngày","source":"news/nong.mp3","scheduled":"2011-11-26T11:00:00.000+07:00","started":"2011-11-26T11:00:00.008+07:00","ended":"2011-11-26T11:00:30.008+07:00","offset_ms":8,"planned_s":30.0,"played_s":30.0,"status":"played","detail":""})" "\n"
    // 11-12: noon #2 on air at a crash; recovery wrote `interrupted` with nulls
    R"({"event":"start","day":"2011-11-26","program":"noon","item":2,"title":"Phóng sự","source":"features/ps.mp3","scheduled":"2011-11-26T11:00:30.000+07:00","started":"2011-11-26T11:00:30.008+07:00","offset_ms":8,"planned_s":600.0})" "\n"
    R"({"day":"2011-11-26","program":"noon","item":2,"title":"Phóng sự","source":"features/ps.mp3","scheduled":"2011-11-26T11:00:30.000+07:00","started":"2011-11-26T11:00:30.008+07:00","ended":null,"offset_ms":8,"planned_s":600.0,"played_s":null,"status":"interrupted","detail":"the player stopped while this item was on air"})" "\n"
    // 13: noon #2 joined mid-item after the restart: late on purpose, not an offset sample
    R"({"day":"2011-11-26","program":"noon","item":2,"title":"Phóng sự","source":"features/ps.mp3","scheduled":"2011-11-26T11:00:30.000+07:00","started":"2011-11-26T11:02:05.000+07:00","ended":"2011-11-26T11:10:30.000+07:00","offset_ms":95000,"planned_s":600.0,"played_s":100.0,"status":"joined","detail":"joined 95 s into the item"})" "\n"
    // 14: day 2, evening #0 played on the dot
    R"({"day":"2011-11-27","program":"evening","item":0,"title":"Ca nhạc","source":"music/ca.mp3","scheduled":"2011-11-27T19:00:00.000+07:00","started":"2011-11-27T19:00:00.000+07:00","ended":"2011-11-27T19:05:00.000+07:00","offset_ms":0,"planned_s":300.0,"played_s":300.0,"status":"played","detail":""})" "\n"
    // 15: in flight when the log stops, past midnight (still the 27th's broadcast day)
    R"({"event":"start","day":"2011-11-27","program":"late","item":0,"title":"Đêm nhạc","source":"music/dem.mp3","scheduled":"2011-11-28T00:05:00.000+07:00","started":"2011-11-28T00:05:00.001+07:00","offset_ms":1,"planned_s":5.0})" "\n"
    // 16: torn
    R"({"day":"2011-11-27","program":"eve)";
  return log;
}

}  // namespace onair::test
