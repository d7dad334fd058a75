#pragma once
// Items the operator inserted (insert_next), kept by the station apart from the schedule
// files: every timeline the station publishes (a reload, the next day, another insert) is
// the schedule's days with these applied, so a reload never drops one and a burst of
// inserts airs in the order they were accepted. Each is anchored at a position among the
// schedule's items of its programme (how many of them air before it, as the file gives
// them); inserts at one position air in the order they came. They are forgotten with their broadcast day.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "player/engine/engine.hpp"
#include "scheduler/timeline.hpp"

namespace onair {

class StationInserts {
 public:
  // At most this many inserted items wait to air after the item on air; more are refused.
  static constexpr std::size_t kMaxWaiting = 20;

  // Inserts `item` after the item with uid `on_air_uid` of `published` (a timeline made by
  // apply()) and after the inserts already waiting there. "" when accepted, else why not.
  // `before`: ahead of that item instead (a priority bulletin between programmes goes first
  // in the next one).
  std::string add(const Timeline& published, std::uint64_t on_air_uid, const BreakIn& item, bool before = false);
  // A priority bulletin's airing: after the item on air (and the inserts waiting there) when
  // a programme airs, else first in the next programme; never cutting an item.
  std::string add_priority(const Timeline& published, const EngineStatus& status, const BreakIn& item);
  // Inserts `item` into programme `program` of day `day` (YYYY-MM-DD) so that it airs as
  // item `position` (1 = first; 0 or past the end: last), after inserts already there.
  std::string add_at(const Timeline& published, const std::string& day, const std::string& program,
                     std::size_t position, const BreakIn& item);
  // Forgets the inserts of bulletin `id` (cancelled); how many.
  std::size_t remove_bulletin(const std::string& id);
  // `base` with the inserts of its days applied (`base` itself when there are none).
  // Inserts of days before `base`'s first are forgotten.
  std::shared_ptr<const Timeline> apply(const std::shared_ptr<const Timeline>& base);
  std::size_t size() const { return inserts_.size(); }

 private:
  struct Insert {
    std::string day;      // YYYY-MM-DD of the broadcast day
    std::string program;  // programme id
    std::size_t position = 0;  // schedule items before it
    std::uint64_t seq = 0;
    BreakIn item;
  };
  // What stands at each position of a programme with `items` schedule items: the schedule's
  // item (insert < 0) or inserts_[insert].
  struct Slot {
    std::size_t original = 0;
    long insert = -1;
  };
  std::vector<Slot> layout(const std::string& day, const std::string& program, std::size_t items) const;

  std::vector<Insert> inserts_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace onair
