#include "station/output_drops.hpp"

#include <fmt/format.h>

namespace onair {

QueueDrops new_queue_drops(const std::vector<OutputStatus>& outputs, std::map<std::string, FrameCount>& seen,
                           int sample_rate) {
  QueueDrops d;
  for (const auto& o : outputs) {
    FrameCount& last = seen[o.name];
    if (o.queue_dropped > last && o.connected) {
      if (!d.message.empty()) d.message += "; ";
      d.message += fmt::format("{} dropped {:.1f} s of audio (its queue was full: it takes audio slower than real time)",
                               o.name, static_cast<double>(o.queue_dropped - last) / sample_rate);
      d.names.push_back(o.name);
    }
    last = o.queue_dropped;
  }
  return d;
}

}  // namespace onair
