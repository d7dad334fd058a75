#include "player/monitor/loudness_asrun.hpp"

#include <cmath>

namespace onair {

void LoudnessMarks::started(const AsRunRecord& r) {
  if (meter_ && r.aired) meter_->item_started({r.uid, r.start_frame});
  inner_.started(r);
}

void LoudnessMarks::ended(const AsRunRecord& r) {
  if (meter_ && r.aired) meter_->item_ended({r.uid, r.start_frame}, r.end_frame);
  inner_.ended(r);
}

void LoudnessStamp::ended(const AsRunRecord& r) {
  if (!meter_ || !r.aired) {
    inner_.ended(r);
    return;
  }
  const auto wait = late_ ? std::chrono::milliseconds(200) : wait_;
  const auto measured = meter_->take({r.uid, r.start_frame}, wait);
  late_ = !measured;
  if (!measured) {
    inner_.ended(r);
    return;
  }
  AsRunRecord stamped = r;
  stamped.lufs = measured->integrated_lufs;
  stamped.true_peak_db = measured->true_peak_dbtp;
  inner_.ended(stamped);
}

}  // namespace onair
