#include "player/output/asrun_events.hpp"

namespace onair {

void AsRunOutputEvents::output_event(const OutputEvent& e) {
  AsRunEvent event;
  event.kind = e.kind == OutputEventKind::connected ? AsRunEventKind::output_connected : AsRunEventKind::output_disconnected;
  event.at = now_();
  event.output = e.output;
  event.detail = e.detail;
  sink_.event(event);
}

}  // namespace onair
