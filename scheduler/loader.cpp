#include "scheduler/loader.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <unordered_map>

#include "scheduler/loudness.hpp"
#include "scheduler/program_parser.hpp"
#include "scheduler/yaml_file.hpp"

namespace onair {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTopKeys = {"date",     "title",      "station",  "timezone", "between",
                                           "fill",     "programs",   "media_root", "template", "cut_fade", "loudness"};
constexpr int kMaxTemplateDepth = 8;

// What one file (a day file or a template) says; unset fields come from its template.
struct Layer {
  std::optional<std::string> title, station, timezone;
  std::optional<Between> between;
  std::optional<FillPool> fill;
  std::optional<fs::path> media_root;  // already made absolute relative to its file
  std::optional<Duration> cut_fade;
  std::optional<LoudnessSpec> loudness;
  std::optional<std::vector<ProgramEntry>> programs;
  SourceMark timezone_mark, between_mark, media_root_mark;
};

std::optional<date::year_month_day> parse_date(std::string_view s) {
  static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(s.begin(), s.end(), m, re)) return std::nullopt;
  const date::year_month_day ymd{date::year(std::stoi(m[1].str())), date::month(std::stoul(m[2].str())),
                                 date::day(std::stoul(m[3].str()))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

// Finds a template: a path relative to the including file, with ".yaml" optional, or a
// bare name looked up in a `templates/` folder beside it.
fs::path find_template(const fs::path& including_file, const std::string& ref) {
  const fs::path dir = including_file.parent_path();
  std::vector<fs::path> candidates = {dir / ref, dir / (ref + ".yaml"), dir / "templates" / (ref + ".yaml"),
                                      dir.parent_path() / "templates" / (ref + ".yaml")};
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
  }
  return dir / ref;
}

void check_program_order(const std::vector<ProgramEntry>& programs, Diagnostics& diags) {
  const Program* prev = nullptr;
  std::map<std::string, const Program*> ids;
  for (const auto& e : programs) {
    const Program& p = e.program;
    if (auto [it, inserted] = ids.emplace(p.id, &p); !inserted) {
      diags.error(p.id_mark, fmt::format("duplicate programme id '{}' (first used at line {}){}", p.id,
                                         it->second->id_mark.line,
                                         p.id_derived ? "; two programmes start at the same time" : ""));
    }
    if (e.omit) continue;
    if (prev && p.at < prev->at) {
      diags.error(p.at_mark, fmt::format("programme '{}' at {} is out of order: it comes after '{}' at {}; "
                                         "list programmes in time order",
                                         p.id, format_time_of_day(p.at).substr(0, 8), prev->id,
                                         format_time_of_day(prev->at).substr(0, 8)));
    }
    prev = &p;
  }
}

class LayerParser {
 public:
  LayerParser(Diagnostics& diags, date::year_month_day day, const LoadOptions& options)
      : diags_(diags), day_(day), options_(options) {}

  // Parses `file` and, first, the templates it builds on; layers come out base first.
  void parse(const fs::path& file, const YamlDocument& doc, std::vector<Layer>& layers,
             std::vector<fs::path>& templates, int depth) {
    YamlReader r(doc.file, diags_);
    auto keys = r.read_map(doc.root, "the schedule", kTopKeys);
    if (!doc.root.IsMap()) return;
    auto get = [&](const char* k) -> const YamlReader::Entry* {
      auto it = keys.find(k);
      return it == keys.end() ? nullptr : &it->second;
    };
    if (auto e = get("template")) parse_template(file, *e, r, layers, templates, depth);

    Layer layer;
    if (auto e = get("title")) layer.title = expanded_string(*e, "title", r, day_);
    if (auto e = get("station")) layer.station = expanded_string(*e, "station", r, day_);
    if (auto e = get("timezone")) {
      layer.timezone_mark = r.mark(e->value);
      layer.timezone = r.string(*e, "timezone");
    }
    if (auto e = get("between")) {
      layer.between_mark = r.mark(e->value);
      if (auto c = r.choice(*e, "between", {"silence", "fill"}))
        layer.between = *c == "fill" ? Between::fill : Between::silence;
    }
    if (auto e = get("fill")) layer.fill = parse_fill(*e, r);
    if (auto e = get("media_root")) {
      layer.media_root_mark = r.mark(e->value);
      if (auto s = r.string(*e, "media_root")) layer.media_root = fs::absolute(file).parent_path() / *s;
    }
    if (auto e = get("cut_fade")) {
      layer.cut_fade = r.duration(*e, "cut_fade");
      if (layer.cut_fade && *layer.cut_fade > std::chrono::seconds(10)) {
        diags_.error(r.mark(e->value), "'cut_fade' longer than 10 s would eat into the previous programme");
        layer.cut_fade.reset();
      }
    }
    if (auto e = get("loudness")) layer.loudness = parse_loudness(*e, r);
    if (auto e = get("programs")) {
      layer.programs.emplace();
      if (!e->value.IsSequence()) {
        diags_.error(r.mark(e->value.IsNull() ? e->key : e->value),
                     fmt::format("'programs' must be a list of programmes, got {}", YamlReader::kind_of(e->value)));
      } else {
        std::size_t programmes = 0, items = 0;
        for (const auto& n : e->value) {
          // Stop at the first excess so a runaway list costs no more than the limit.
          if (++programmes > options_.max_programs) {
            diags_.error(r.mark(n), fmt::format("too many programmes: this is programme {} of the list; the limit "
                                                "is {} programmes per day",
                                                programmes, options_.max_programs));
            break;
          }
          if (n.IsMap()) {
            if (const YAML::Node list = n["items"]; list.IsDefined() && list.IsSequence()) {
              const std::size_t count = list.size();
              if (items + count > options_.max_items) {
                diags_.error(r.mark(list[options_.max_items - items]),
                             fmt::format("too many items: this is item {} of the day; the limit is {} items per day",
                                         options_.max_items + 1, options_.max_items));
                break;
              }
              items += count;
            }
          }
          if (auto p = parse_program(n, r, day_)) layer.programs->push_back(std::move(*p));
        }
        check_program_order(*layer.programs, diags_);
      }
    }
    layers.push_back(std::move(layer));
  }

 private:
  void parse_template(const fs::path& file, const YamlReader::Entry& e, YamlReader& r, std::vector<Layer>& layers,
                      std::vector<fs::path>& templates, int depth) {
    auto ref = expanded_string(e, "template", r, day_);
    if (!ref) return;
    const SourceMark where = r.mark(e.value);
    if (depth >= kMaxTemplateDepth) {
      diags_.error(where, fmt::format("templates nested more than {} deep", kMaxTemplateDepth));
      return;
    }
    const fs::path path = find_template(file, *ref);
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (std::find(templates.begin(), templates.end(), canonical) != templates.end() ||
        canonical == fs::weakly_canonical(file, ec)) {
      diags_.error(where, fmt::format("template {} includes itself", quote_value(*ref)));
      return;
    }
    auto doc = read_yaml_file(path, diags_, options_.max_file_bytes, &where);
    if (!doc) return;
    templates.push_back(canonical);
    parse(path, *doc, layers, templates, depth + 1);
  }

  std::optional<FillPool> parse_fill(const YamlReader::Entry& e, YamlReader& r) {
    FillPool pool;
    pool.mark = r.mark(e.value);
    if (e.value.IsScalar()) {
      auto dir = expanded_string(e, "fill", r, day_);
      if (!dir) return std::nullopt;
      pool.dir = *dir;
      return pool;
    }
    auto keys = r.read_map(e.value, "'fill'", {"dir", "order"});
    if (!e.value.IsMap()) return std::nullopt;
    if (auto it = keys.find("dir"); it != keys.end()) {
      auto dir = expanded_string(it->second, "dir", r, day_);
      if (!dir) return std::nullopt;
      pool.dir = *dir;
    } else {
      diags_.error(pool.mark, "'fill' needs 'dir:', the folder of filler audio under the media root");
      return std::nullopt;
    }
    if (auto it = keys.find("order"); it != keys.end()) {
      if (auto c = r.choice(it->second, "order", {"shuffle", "sequential"}))
        pool.order = *c == "sequential" ? FillOrder::sequential : FillOrder::shuffle;
    }
    return pool;
  }

  Diagnostics& diags_;
  date::year_month_day day_;
  const LoadOptions& options_;
};

// Applies the layers base first: fields override, programmes merge by id.
void merge_layers(const std::vector<Layer>& layers, date::year_month_day day, Schedule& s, Diagnostics& diags,
                  const LoadOptions& options) {
  // Programmes by id in first-seen order; an index keeps this linear (a list search per
  // programme made check of a long day quadratic).
  std::vector<std::optional<ProgramEntry>> merged;
  std::unordered_map<std::string, std::size_t> by_id;
  for (const Layer& l : layers) {
    if (l.title) s.title = *l.title;
    if (l.station) s.station = *l.station;
    if (l.timezone) s.timezone = *l.timezone, s.timezone_mark = l.timezone_mark;
    if (l.between) s.between = *l.between, s.between_mark = l.between_mark;
    if (l.fill) s.fill = *l.fill;
    if (l.media_root) s.media_root = *l.media_root, s.media_root_mark = l.media_root_mark;
    if (l.cut_fade) s.cut_fade = *l.cut_fade;
    if (l.loudness) s.loudness = overlay_loudness(s.loudness, *l.loudness);
    if (!l.programs) continue;
    for (const ProgramEntry& e : *l.programs) {
      auto it = by_id.find(e.program.id);
      if (e.omit) {
        if (it == by_id.end()) {
          diags.warning(e.program.id_mark, fmt::format("'omit': no programme '{}' to remove", e.program.id));
        } else {
          merged[it->second].reset();
          by_id.erase(it);
        }
      } else if (it != by_id.end()) {
        merged[it->second] = e;  // the day file's version of a template programme
      } else {
        by_id.emplace(e.program.id, merged.size());
        merged.push_back(e);
      }
    }
  }
  const unsigned weekday = date::weekday(date::sys_days(day)).c_encoding();
  for (auto& e : merged)
    if (e && (!e->days || (*e->days & (1u << weekday)))) s.programs.push_back(std::move(e->program));
  std::stable_sort(s.programs.begin(), s.programs.end(),
                   [](const Program& a, const Program& b) { return a.at < b.at; });
  // Templates and the day file are limited one by one; the day they make is limited too.
  if (s.programs.size() > options.max_programs) {
    const Program& p = s.programs[options.max_programs];
    diags.error(p.mark, fmt::format("too many programmes: the day has {} with its templates; the limit is {} "
                                    "programmes per day",
                                    s.programs.size(), options.max_programs));
    s.programs.resize(options.max_programs);
  }
  std::size_t items = 0;
  for (std::size_t i = 0; i < s.programs.size(); ++i) {
    items += s.programs[i].items.size();
    if (items > options.max_items) {
      diags.error(s.programs[i].mark, fmt::format("too many items: the day has more than {} with its templates "
                                                  "(from programme '{}' on); the limit is {} items per day",
                                                  options.max_items, s.programs[i].id, options.max_items));
      s.programs.resize(i);
      break;
    }
  }
}

void check_timezone(Schedule& s, Diagnostics& diags) {
  if (s.timezone.empty()) return;
  try {
    (void)date::locate_zone(s.timezone);
  } catch (const std::exception&) {
    std::vector<std::string> names;
    try {
      for (const auto& z : date::get_tzdb().zones) names.emplace_back(z.name());
    } catch (const std::exception&) {
    }
    std::string hint = closest_match(s.timezone, names);
    diags.error(s.timezone_mark, fmt::format("unknown time zone {}: use an IANA name such as Asia/Ho_Chi_Minh{}",
                                             quote_value(s.timezone),
                                             hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)));
  }
}

// The date comes from the options, the `date:` key, or a YYYY-MM-DD file name.
std::optional<date::year_month_day> find_date(const fs::path& file, const YamlDocument& doc,
                                              const LoadOptions& options, Schedule& s, Diagnostics& diags) {
  const auto from_name = parse_date(file.stem().string());
  std::optional<date::year_month_day> from_key;
  if (doc.root.IsMap()) {
    if (const YAML::Node n = doc.root["date"]; n.IsDefined()) {
      YamlReader r(doc.file, diags);
      s.date_mark = r.mark(n);
      if (n.IsScalar() && (from_key = parse_date(n.Scalar()))) {
        if (from_name && *from_name != *from_key)
          diags.warning(s.date_mark, fmt::format("'date: {}' differs from the file name's date {}; using {}",
                                                 n.Scalar(), file.stem().string(), n.Scalar()));
      } else {
        diags.error(s.date_mark, fmt::format("invalid date {}: expected YYYY-MM-DD, a real calendar date",
                                             YamlReader::kind_of(n)));
        return std::nullopt;
      }
    }
  }
  if (options.date) return options.date;
  if (from_key) return from_key;
  if (from_name) return from_name;
  diags.error({doc.file, 1, 1}, "the schedule has no date: add 'date: YYYY-MM-DD' or name the file YYYY-MM-DD.yaml");
  return std::nullopt;
}

}  // namespace

std::optional<Schedule> load_schedule(const fs::path& file, const LoadOptions& options, Diagnostics& diags) {
  auto doc = read_yaml_file(file, diags, options.max_file_bytes);
  if (!doc) return std::nullopt;
  if (!doc->root.IsMap()) {
    diags.error(SourceMark{doc->file, doc->root.Mark().line + 1, doc->root.Mark().column + 1},
                fmt::format("a schedule must be a mapping of keys (date, title, programs, …), got {}",
                            YamlReader::kind_of(doc->root)));
    return std::nullopt;
  }
  Schedule s;
  s.file = file;
  auto day = find_date(file, *doc, options, s, diags);
  if (!day) return std::nullopt;
  s.date = *day;

  s.loudness = options.loudness;  // the station config's default, under every layer
  std::vector<Layer> layers;
  LayerParser parser(diags, s.date, options);
  parser.parse(file, *doc, layers, s.templates, 0);
  merge_layers(layers, s.date, s, diags, options);
  check_timezone(s, diags);

  if (options.media_root) s.media_root = fs::absolute(*options.media_root);
  else if (s.media_root.empty()) s.media_root = fs::absolute(file).parent_path().parent_path() / "media";
  s.media_root = s.media_root.lexically_normal();
  if (s.between == Between::fill && !s.fill)
    diags.error(s.between_mark, "'between: fill' needs a 'fill:' pool, e.g. fill: { dir: fill }");
  return s;
}

}  // namespace onair
