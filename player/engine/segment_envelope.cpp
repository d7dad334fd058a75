#include "player/engine/segment_envelope.hpp"

namespace onair {

Envelope envelope_of(const Segment& s) {
  Envelope e(s.gain_db);
  // Fades of the item's own length are placed from its origin; the cut fade from where it
  // is cut.
  const FrameCount natural_end = s.origin + s.length;
  if (s.fade_in > 0) e.add(Fade::in(s.origin, s.fade_in, FadeShape::s_curve));
  if (s.fade_out > 0) e.add(Fade::out_ending_at(natural_end, s.fade_out, FadeShape::s_curve));
  if (s.xfade_in > 0) e.add(Fade::in(s.origin, s.xfade_in, FadeShape::equal_power));
  if (s.xfade_out > 0) e.add(Fade::out_ending_at(natural_end, s.xfade_out, FadeShape::equal_power));
  if (s.cut && s.cut_fade > 0) e.add(cut_fade(s.end, s.cut_fade));
  return e;
}

}  // namespace onair
