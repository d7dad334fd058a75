#include "station/bulletins.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace onair {

const char* to_string(BulletinState state) noexcept {
  switch (state) {
    case BulletinState::waiting: return "waiting";
    case BulletinState::placed: return "placed";
    case BulletinState::on_schedule: return "on_schedule";
    case BulletinState::done: return "done";
    case BulletinState::cancelled: return "cancelled";
    case BulletinState::expired: return "expired";
  }
  return "waiting";
}

namespace {

bool open_state(BulletinState s) {
  return s == BulletinState::waiting || s == BulletinState::placed || s == BulletinState::on_schedule;
}

}  // namespace

BulletinBoard::Entry* BulletinBoard::find(const std::string& id) {
  for (auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

const BulletinBoard::Entry* BulletinBoard::find(const std::string& id) const {
  for (const auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

std::string BulletinBoard::add(BulletinSpec spec, TimePoint now, const LocalDay& zone, std::string& id) {
  std::lock_guard lock(mutex_);
  const auto open = std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return open_state(e.state); });
  if (static_cast<std::size_t>(open) >= kMaxOpen)
    return fmt::format("{} bulletins are still waiting or to air; cancel one or wait until one has aired", open);
  if (spec.until && *spec.until <= now) return "\"until\" " + zone.iso(*spec.until) + " has already passed";
  // b-YYYYMMDD-HHMMSS (local), -2, -3 … within one second: readable, and unique across restarts.
  const std::string iso = zone.iso(now);  // 2026-12-04T22:35:12.345+07:00
  std::string stamp = "b-" + iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "-" + iso.substr(11, 2) +
                      iso.substr(14, 2) + iso.substr(17, 2);
  same_stamp_ = stamp == last_stamp_ ? same_stamp_ + 1 : 1;
  last_stamp_ = stamp;
  if (same_stamp_ > 1) stamp += "-" + std::to_string(same_stamp_);
  Entry e;
  e.id = id = stamp;
  e.accepted = now;
  e.spec = std::move(spec);
  if (e.spec.level == BulletinLevel::normal) {
    e.state = BulletinState::waiting;
  } else {
    e.state = BulletinState::on_schedule;
    e.next = now;
  }
  entries_.push_back(std::move(e));
  forget_old();
  return {};
}

std::vector<BulletinDue> BulletinBoard::due(TimePoint now) {
  std::lock_guard lock(mutex_);
  std::vector<BulletinDue> out;
  for (auto& e : entries_) {
    if (e.state != BulletinState::on_schedule || !e.next || *e.next > now) continue;
    if (e.spec.until && *e.next > *e.spec.until) {
      e.state = e.issued > 0 ? BulletinState::done : BulletinState::expired;
      e.next.reset();
      continue;
    }
    // Back to back: every airing at once; with `every`: one now, the next `every` later.
    const int count = e.spec.every ? 1 : e.spec.repeat - e.issued;
    out.push_back({e.id, e.spec, e.issued + 1, count});
    e.issued += count;
    if (e.spec.every && e.issued < e.spec.repeat) {
      e.next = *e.next + *e.spec.every;
    } else {
      e.next.reset();
      e.state = BulletinState::done;
    }
  }
  return out;
}

std::string BulletinBoard::place(const std::string& id, const std::string& program, BulletinDue& out) {
  std::lock_guard lock(mutex_);
  Entry* e = find(id);
  if (!e) return "no bulletin " + id;
  if (e->spec.level != BulletinLevel::normal)
    return fmt::format("bulletin {} is {}: it airs by itself; only normal bulletins are placed", id, to_string(e->spec.level));
  if (e->state != BulletinState::waiting) return fmt::format("bulletin {} is {}, not waiting to be placed", id, to_string(e->state));
  e->state = BulletinState::placed;
  e->placed_in = program;
  e->issued = e->spec.repeat;
  out = {e->id, e->spec, 1, e->spec.repeat};
  return {};
}

std::string BulletinBoard::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  Entry* e = find(id);
  if (!e) return "no bulletin " + id;
  if (e->state == BulletinState::cancelled) return {};
  if (!open_state(e->state) && e->state != BulletinState::done)
    return fmt::format("bulletin {} is {}: nothing is left to cancel", id, to_string(e->state));
  e->state = BulletinState::cancelled;
  e->next.reset();
  return {};
}

void BulletinBoard::record(const AsRunRecord& r) {
  if (!r.bulletin) return;
  std::lock_guard lock(mutex_);
  Entry* e = find(r.bulletin->id);
  if (!e) return;
  // The attention tone is part of the airing, not one of its own.
  if (r.title == kAttentionToneTitle && r.source == kAttentionToneSource) return;
  BulletinAiring a{r.bulletin->airing, r.program, r.scheduled, r.started, r.ended, r.played, r.status, r.detail};
  auto same = std::find_if(e->airings.begin(), e->airings.end(),
                           [&](const BulletinAiring& x) { return x.airing == a.airing && x.started == a.started; });
  if (same != e->airings.end()) *same = a;
  else e->airings.push_back(a);
  if (e->state == BulletinState::placed && static_cast<int>(e->airings.size()) >= e->spec.repeat) e->state = BulletinState::done;
}

std::optional<BulletinState> BulletinBoard::state(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const Entry* e = find(id);
  if (!e) return std::nullopt;
  return e->state;
}

std::size_t BulletinBoard::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void BulletinBoard::forget_old() {
  while (entries_.size() > kMaxKept) {
    auto old = std::find_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !open_state(e.state); });
    if (old == entries_.end()) break;
    entries_.erase(old);
  }
}

nlohmann::json BulletinBoard::list(const LocalDay& zone) const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries_) {
    nlohmann::json j = {{"id", e.id},
                        {"level", to_string(e.spec.level)},
                        {"level_vi", vietnamese_name(e.spec.level)},
                        {"title", e.spec.title},
                        {"source", e.spec.display_source},
                        {"length_s", std::chrono::duration<double>(e.spec.length).count()},
                        {"repeat", e.spec.repeat},
                        {"state", to_string(e.state)},
                        {"accepted", zone.iso(e.accepted)},
                        {"issued", e.issued}};
    if (!e.spec.text.empty()) j["text"] = e.spec.text;
    if (e.spec.every) j["every_s"] = std::chrono::duration_cast<std::chrono::seconds>(*e.spec.every).count();
    if (e.spec.until) j["until"] = zone.iso(*e.spec.until);
    if (e.next) j["next"] = zone.iso(*e.next);
    if (!e.placed_in.empty()) j["program"] = e.placed_in;
    nlohmann::json airings = nlohmann::json::array();
    for (const auto& a : e.airings)
      airings.push_back({{"airing", a.airing},
                         {"program", a.program},
                         {"scheduled", zone.iso(a.scheduled)},
                         {"started", zone.iso(a.started)},
                         {"ended", zone.iso(a.ended)},
                         {"played_s", std::chrono::duration<double>(a.played).count()},
                         {"status", to_string(a.status)},
                         {"detail", a.detail}});
    j["airings"] = std::move(airings);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace onair
