#include "player/output/titles.hpp"

namespace onair {

void OutputTitles::started(const AsRunRecord& r) {
  if (output_ && r.aired && !r.title.empty()) output_->post_title(r.start_frame, r.title);
  inner_.started(r);
}

}  // namespace onair
