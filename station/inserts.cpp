#include "station/inserts.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "station/logging.hpp"

namespace onair {

std::vector<StationInserts::Slot> StationInserts::layout(const std::string& day, const std::string& program,
                                                         std::size_t items) const {
  std::vector<long> mine;
  for (std::size_t i = 0; i < inserts_.size(); ++i)
    if (inserts_[i].day == day && inserts_[i].program == program) mine.push_back(static_cast<long>(i));
  // An anchor past the end (the programme was edited shorter) puts the insert at the end.
  auto anchor = [&](long i) { return std::min(inserts_[i].position, items); };
  std::stable_sort(mine.begin(), mine.end(), [&](long a, long b) {
    return anchor(a) != anchor(b) ? anchor(a) < anchor(b) : inserts_[a].seq < inserts_[b].seq;
  });
  std::vector<Slot> out;
  std::size_t k = 0;
  for (std::size_t j = 0; j <= items; ++j) {
    for (; k < mine.size() && anchor(mine[k]) == j; ++k) out.push_back(Slot{j, mine[k]});
    if (j < items) out.push_back(Slot{j, -1});
  }
  return out;
}

std::string StationInserts::add_priority(const Timeline& published, const EngineStatus& st, const BreakIn& item) {
  // A break-in (or an emergency) on air belongs to no programme: the next one takes it first.
  if (st.on_air && !st.on_air->program.empty() && st.on_air->program != "break-in" && st.on_air->program != "bulletin")
    return add(published, st.on_air->uid, item);
  if (st.next && !st.next->program.empty() && st.next->program != "bulletin") return add(published, st.next->uid, item, true);
  return "no programme is on air or next to put it in";
}

std::string StationInserts::add(const Timeline& published, std::uint64_t on_air_uid, const BreakIn& item, bool before) {
  const Schedule& merged = published.merged();
  for (std::size_t p = 0; p < merged.programs.size(); ++p) {
    const auto& items = merged.programs[p].items;
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (items[k].uid != on_air_uid) continue;
      const std::string day = published.date_of(p);
      const std::string& program = merged.programs[p].id;
      // `published` has this programme's inserts in: count them out to find the schedule's items.
      const auto m = static_cast<std::size_t>(std::count_if(
          inserts_.begin(), inserts_.end(), [&](const Insert& i) { return i.day == day && i.program == program; }));
      if (m > items.size()) return "the item on air could not be found in the schedule";
      const auto slots = layout(day, program, items.size() - m);
      if (k >= slots.size()) return "the item on air could not be found in the schedule";
      std::size_t waiting = 0;
      for (std::size_t i = before ? k : k + 1; i < slots.size(); ++i) waiting += slots[i].insert >= 0;
      if (waiting >= kMaxWaiting)
        return fmt::format("{} inserted items already wait to air after the item on air; insert again once one has aired",
                           waiting);
      Insert in;
      in.day = day;
      in.program = program;
      in.position = slots[k].insert >= 0 ? inserts_[slots[k].insert].position
                                         : slots[k].original + (before ? 0 : 1);
      in.seq = next_seq_++;
      in.item = item;
      logger("station")->warn("inserted '{}' into '{}' of {} after {} of its items ({} waiting before it)", item.title,
                              program, day, in.position, waiting);
      inserts_.push_back(std::move(in));
      return {};
    }
  }
  return "the item on air could not be found in the schedule";
}

std::string StationInserts::add_at(const Timeline& published, const std::string& day, const std::string& program,
                                   std::size_t position, const BreakIn& item) {
  const Schedule& merged = published.merged();
  for (std::size_t p = 0; p < merged.programs.size(); ++p) {
    if (merged.programs[p].id != program || published.date_of(p) != day) continue;
    const auto mine = std::count_if(inserts_.begin(), inserts_.end(),
                                    [&](const Insert& i) { return i.day == day && i.program == program; });
    if (static_cast<std::size_t>(mine) >= kMaxWaiting * 2)
      return fmt::format("programme '{}' of {} already has {} inserted items", program, day, mine);
    const std::size_t items = merged.programs[p].items.size() - static_cast<std::size_t>(mine);
    Insert in;
    in.day = day;
    in.program = program;
    in.position = position == 0 ? items : std::min(position - 1, items);
    in.seq = next_seq_++;
    in.item = item;
    logger("station")->warn("placed '{}' into '{}' of {} after {} of its items", item.title, program, day, in.position);
    inserts_.push_back(std::move(in));
    return {};
  }
  return fmt::format("no programme '{}' on {}", program, day);
}

std::size_t StationInserts::remove_bulletin(const std::string& id) {
  return std::erase_if(inserts_, [&](const Insert& i) { return i.item.bulletin && i.item.bulletin->id == id; });
}

std::shared_ptr<const Timeline> StationInserts::apply(const std::shared_ptr<const Timeline>& base) {
  if (!base) return base;
  const std::string first = date::format("%F", date::sys_days(base->day(0).schedule.date));
  std::erase_if(inserts_, [&](const Insert& i) { return i.day < first; });
  if (inserts_.empty()) return base;
  std::vector<BroadcastDay> days;
  for (std::size_t d = 0; d < base->day_count(); ++d) days.push_back(base->day(d));
  for (auto& day : days) {
    const std::string date = date::format("%F", date::sys_days(day.schedule.date));
    for (auto& program : day.schedule.programs) {
      const auto slots = layout(date, program.id, program.items.size());
      if (slots.size() == program.items.size()) continue;
      std::vector<Item> items;
      for (const auto& slot : slots) {
        if (slot.insert < 0) {
          items.push_back(program.items[slot.original]);
          continue;
        }
        const BreakIn& b = inserts_[slot.insert].item;
        Item inserted;
        inserted.kind = ItemKind::file;
        inserted.source = b.source;  // absolute, inside the media root
        inserted.title = b.title;
        inserted.gain_db = b.gain_db;
        inserted.bulletin = b.bulletin;
        items.push_back(std::move(inserted));
        MediaInfo info;
        info.ok = true;
        info.duration = b.length;
        day.media.files[b.source] = info;
      }
      program.items = std::move(items);
    }
  }
  return std::make_shared<const Timeline>(std::move(days));
}

}  // namespace onair
