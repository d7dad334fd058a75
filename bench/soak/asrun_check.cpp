#include "soak/asrun_check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

namespace onair::soak {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxProblems = 30;

// A string field, "" when missing or null (an interrupted record has no `ended`).
std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

double number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : -1.0;
}

std::vector<nlohmann::json> read_records(const fs::path& folder) {
  std::vector<nlohmann::json> out;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        j = nlohmann::json{{"status", "unreadable line"}};
      }
      if (!j.contains("event")) out.push_back(std::move(j));
    }
  }
  // One zone without daylight saving: ISO strings sort as times.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return text(a, "started") < text(b, "started");
  });
  return out;
}

double seconds(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1e6; }

}  // namespace

AsRunSummary check_asrun(const fs::path& folder, const std::vector<ExpectedDay>& days, const std::string& zone,
                         TimePoint end) {
  AsRunSummary sum;
  auto problem = [&](std::string what) {
    if (sum.problems.size() < kMaxProblems) sum.problems.push_back(std::move(what));
  };
  std::map<std::tuple<std::string, std::string, std::size_t>, const ExpectedItem*> expected;
  std::map<std::string, const ExpectedDay*> by_day;
  for (const auto& d : days) {
    by_day[d.day] = &d;
    for (const auto& e : d.items) expected[{e.day, e.program, e.item}] = &e;
  }
  const auto records = read_records(folder);
  sum.records = records.size();
  std::set<std::tuple<std::string, std::string, std::size_t>> seen;
  const nlohmann::json* previous = nullptr;
  for (std::size_t n = 0; n < records.size(); ++n) {
    const auto& r = records[n];
    const std::string status = text(r, "status"), program = text(r, "program"), day = text(r, "day");
    const std::string label = fmt::format("{} {} #{} at {}", day, program, number(r, "item"), text(r, "started"));
    if (status == "interrupted") {
      ++sum.interrupted;
      if (n + 1 != records.size()) problem("interrupted before the end of the run: " + label);
    } else if (status == "fill") {
      ++sum.fill;
    } else if (status == "silence" && program.empty()) {
      ++sum.silence;
    } else if (program.empty() || (status != "played" && status != "silence")) {
      problem(fmt::format("{}: status {} ({})", label, status, text(r, "detail")));
    }
    // No dead air: on fill days each record starts no later than the previous one ended.
    if (previous && by_day.count(day) && by_day[day]->fill && status != "interrupted" &&
        text(r, "started") > text(*previous, "ended"))
      problem(fmt::format("{}: gap after the record ending {}", label, text(*previous, "ended")));
    previous = &r;
    if (program.empty()) continue;
    const auto key = std::make_tuple(day, program, static_cast<std::size_t>(number(r, "item")));
    auto it = expected.find(key);
    if (it == expected.end()) {
      problem("a record for an item no schedule has: " + label);
      continue;
    }
    if (!seen.insert(key).second) problem("a second record: " + label);
    if (status == "interrupted") continue;
    ++sum.programme_items;
    const ExpectedItem& e = *it->second;
    const LocalDay local(zone, by_day[day]->date);
    const std::string want = local.iso(local.at(e.scheduled).time);
    if (text(r, "scheduled") != want) problem(fmt::format("{}: scheduled {} instead of {}", label, text(r, "scheduled"), want));
    if (number(r, "offset_ms") != 0) problem(fmt::format("{}: offset {} ms", label, number(r, "offset_ms")));
    if (e.silence != (status == "silence")) problem(fmt::format("{}: status {}", label, status));
    const double planned = number(r, "planned_s"), played = number(r, "played_s");
    if (std::abs(planned - seconds(e.length)) > 0.002 || std::abs(played - planned) > 0.002)
      problem(fmt::format("{}: planned {:.3f} s, played {:.3f} s, the file gives {:.3f} s", label, planned, played,
                          seconds(e.length)));
  }
  // Every item that ends before the run stopped must have its record.
  std::size_t missing = 0;
  for (const auto& d : days) {
    const LocalDay local(zone, d.date);
    for (const auto& e : d.items) {
      if (local.at(e.scheduled + e.length).time > end || seen.count({e.day, e.program, e.item})) continue;
      if (missing++ < 5) problem(fmt::format("no record for {} {} #{}", e.day, e.program, e.item));
    }
  }
  if (missing > 5) problem(fmt::format("... {} items without a record in all", missing));
  return sum;
}

}  // namespace onair::soak
