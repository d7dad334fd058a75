#pragma once
// Which following outputs fell behind since the last look: their queue (player/output/queued)
// dropped audio while they had their server. The station raises `output_behind` from this.
#include <map>
#include <string>
#include <vector>

#include "player/output/output.hpp"

namespace onair {

struct QueueDrops {
  std::vector<std::string> names;  // the outputs that dropped, in status order
  std::string message;             // "NAME dropped 1.5 s of audio (…); …" ("" when none did)
};

// `seen` holds each output's queue_dropped at the last look and is brought up to date. An
// output without its server is left to `stream_down` (its attempts may take seconds).
QueueDrops new_queue_drops(const std::vector<OutputStatus>& outputs, std::map<std::string, FrameCount>& seen,
                           int sample_rate);

}  // namespace onair
