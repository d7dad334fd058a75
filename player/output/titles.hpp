#pragma once
// Each item's title to the outputs that show one (ICY StreamTitle on icecast:// and listen://
// streams). A link of the as-run chain on the queue's writer thread, never the engine's:
//
//   engine ─▶ marks ─▶ AsRunQueue ─▶ OutputTitles ─▶ stamp ─▶ the log
//
// The record says at which output frame the item started; the stream outputs' queues hold
// the title until their audio reaches that frame, so a listener sees it change with the audio.
#include "player/asrun/log.hpp"
#include "player/output/output.hpp"

namespace onair {

class OutputTitles final : public AsRunSink {
 public:
  // `output` may be null: the records only pass through.
  OutputTitles(AsRunSink& inner, Output* output) : inner_(inner), output_(output) {}
  void started(const AsRunRecord& r) override;
  void ended(const AsRunRecord& r) override { inner_.ended(r); }
  void event(const AsRunEvent& e) override { inner_.event(e); }
  void retry() override { inner_.retry(); }
  AsRunHealth health() const override { return inner_.health(); }

 private:
  AsRunSink& inner_;
  Output* output_;
};

// Where records go when a session keeps no as-run log but its streams still want titles.
class DiscardedAsRun final : public AsRunSink {
 public:
  void started(const AsRunRecord&) override {}
  void ended(const AsRunRecord&) override {}
  void event(const AsRunEvent&) override {}
};

}  // namespace onair
