#pragma once
// The as-run records carry the loudness measured on the output over each item
// ("lufs", "true_peak_db"). Two links of the as-run chain, on either side of the queue
// that takes the disk off the engine thread:
//
//   engine ─▶ LoudnessMarks ─▶ AsRunQueue ─▶ (OutputTitles) ─▶ LoudnessStamp ─▶ the log (file or folder)
//
// LoudnessMarks runs on the engine thread: it tells the meter where each item starts and
// ends (a copy into the meter's lock-free ring) and passes the record on. LoudnessStamp
// runs on the queue's writer thread: before an ended record goes to disk it waits (bounded)
// for the meter to have measured the item's last frame, which reaches the meter a little
// after the engine ends the item (the processor's look-ahead, the tee's ring). A meter that
// does not answer in time leaves the record without loudness rather than holding the log.
#include <chrono>
#include <functional>
#include <memory>

#include "player/asrun/log.hpp"
#include "player/asrun/queue.hpp"
#include "player/monitor/loudness_meter.hpp"
#include "player/output/asrun_events.hpp"
#include "player/output/titles.hpp"

namespace onair {

class LoudnessMarks final : public AsRunSink {
 public:
  LoudnessMarks(AsRunSink& inner, std::shared_ptr<LoudnessMeter> meter) : inner_(inner), meter_(std::move(meter)) {}
  void started(const AsRunRecord& r) override;
  void ended(const AsRunRecord& r) override;
  void event(const AsRunEvent& e) override { inner_.event(e); }
  void retry() override { inner_.retry(); }
  AsRunHealth health() const override { return inner_.health(); }

 private:
  AsRunSink& inner_;
  std::shared_ptr<LoudnessMeter> meter_;
};

class LoudnessStamp final : public AsRunSink {
 public:
  // `wait`: the longest an ended record waits for its measurement.
  LoudnessStamp(AsRunSink& inner, std::shared_ptr<LoudnessMeter> meter,
                std::chrono::milliseconds wait = std::chrono::seconds(3))
      : inner_(inner), meter_(std::move(meter)), wait_(wait) {}
  void started(const AsRunRecord& r) override { inner_.started(r); }
  void ended(const AsRunRecord& r) override;
  void event(const AsRunEvent& e) override { inner_.event(e); }
  void retry() override { inner_.retry(); }
  AsRunHealth health() const override { return inner_.health(); }

 private:
  AsRunSink& inner_;
  std::shared_ptr<LoudnessMeter> meter_;
  std::chrono::milliseconds wait_;
  bool late_ = false;  // the meter missed a deadline: wait briefly until it answers again
};

// The whole chain of a session in front of `disk`; with `streams`, each item's title also goes
// to that output's streams (player/output/titles) and, given `now` (the wall clock), their
// connections lost and made come back as as-run events. Close the output (and so the meter)
// before this goes: its queue then writes what waits without waiting for measurements.
class MeteredAsRun {
 public:
  MeteredAsRun(AsRunSink& disk, std::shared_ptr<LoudnessMeter> meter, Output* streams = nullptr,
               std::function<TimePoint()> now = {})
      : watching_(streams != nullptr && static_cast<bool>(now)),
        stamp_(disk, meter),
        titles_(stamp_, streams),
        queue_(titles_),
        marks_(queue_, std::move(meter)),
        events_(queue_, std::move(now)),
        streams_(streams) {
    if (watching_ && streams_) streams_->watch(&events_);
  }
  ~MeteredAsRun() {
    if (watching_ && streams_) streams_->watch(nullptr);
  }
  MeteredAsRun(const MeteredAsRun&) = delete;
  MeteredAsRun& operator=(const MeteredAsRun&) = delete;
  AsRunSink& engine_side() noexcept { return marks_; }

 private:
  const bool watching_;  // first: decided before `now` moves into events_
  LoudnessStamp stamp_;
  OutputTitles titles_;
  AsRunQueue queue_;
  LoudnessMarks marks_;
  AsRunOutputEvents events_;
  Output* streams_;
};

}  // namespace onair
