#include "player/monitor/loudness_meter.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "player/loudness/gated_loudness.hpp"
#include "player/loudness/k_weighting.hpp"
#include "player/loudness/true_peak.hpp"
#include "player/output/spsc_ring.hpp"
#include "player/pcm/mix.hpp"

namespace onair {

using namespace std::chrono_literals;

namespace {

float peak_of(const float* samples, std::size_t count) { return peak(samples, count); }  // `peak` is a member

constexpr FrameCount kReadChunk = 4096;
constexpr std::size_t kBlockSlots = 1024;
constexpr std::size_t kMarkSlots = 1024;
constexpr std::size_t kMaxResults = 1024;  // uncollected results kept (oldest go first)
constexpr auto kPoll = 20ms;
constexpr auto kMaxWait = 10s;             // render: the longest write() waits for the worker
constexpr int kPeakSlots = 30;             // the status peak: 30 slots of 100 ms

double db_of(double linear) { return linear > 0.0 ? 20.0 * std::log10(linear) : -HUGE_VAL; }

// One block (or a piece of one) in the audio ring: its first output frame.
struct Block {
  FrameCount first = 0;
  FrameCount frames = 0;
};

struct Mark {
  MeteredItem item;
  FrameCount frame = 0;  // where it starts or ends
  bool end = false;
};

}  // namespace

struct LoudnessMeter::Worker {
  struct Open {
    explicit Open(FrameCount first) : start(first) {}
    FrameCount start;
    double sub = 0;          // energy of the current sub-block so far
    FrameCount filled = 0;   // its frames
    double last[3] = {0, 0, 0};  // the 3 sub-blocks before it
    int subs = 0;            // completed sub-blocks (up to 3)
    GatedLoudness gated;
    std::optional<KWeighting> fresh;  // its own filter over its first sub-block
    FrameCount fresh_left = 0;
    float true_peak = 0.0f;
  };

  Worker(AudioFormat f, LoudnessMeterOptions o)
      : format(f),
        options(o),
        audio(static_cast<std::size_t>(std::max<FrameCount>(f.frames(o.buffer), 2 * kReadChunk)), f.channels),
        blocks(kBlockSlots, 1),
        marks(kMarkSlots, 1),
        max_piece(static_cast<FrameCount>(audio.capacity() / 4)),
        filter(f.sample_rate, f.channels),
        peak(f.channels, TruePeakDetector::Values::interpolated),
        slot_frames(std::max<FrameCount>(1, (f.sample_rate + 5) / 10)) {
    buffer.resize(static_cast<std::size_t>(kReadChunk) * static_cast<std::size_t>(f.channels));
    energy.resize(static_cast<std::size_t>(kReadChunk));
    scratch.resize(static_cast<std::size_t>(kReadChunk));
    values.resize(TruePeakDetector::kChunk);
    peaks.fill(0.0f);
    publish(-HUGE_VAL, -HUGE_VAL, -HUGE_VAL, 0);
    thread = std::thread([this] { run(); });
  }

  // --- engine side ----------------------------------------------------------------------
  void push(const float* data, FrameCount frames) noexcept {
    frames_in.fetch_add(frames, std::memory_order_relaxed);
    FrameCount done = 0;
    if (!stop.load(std::memory_order_relaxed)) {
      const auto ch = static_cast<std::size_t>(format.channels);
      while (done < frames) {
        const FrameCount n = std::min(frames - done, max_piece);
        if (!has_room(n)) break;
        audio.write(data + static_cast<std::size_t>(done) * ch, static_cast<std::size_t>(n));
        const Block b{next_frame + done, n};
        blocks.write(&b, 1);
        done += n;
      }
    }
    if (done < frames) dropped.fetch_add(frames - done, std::memory_order_relaxed);
    else gave_up = false;
    next_frame += frames;
  }

  void mark(const Mark& mk) noexcept {
    if (stop.load(std::memory_order_relaxed) || marks.write(&mk, 1) != 1)
      marks_dropped.fetch_add(1, std::memory_order_relaxed);
  }

  bool fits(FrameCount n) noexcept {
    return audio.writable() >= static_cast<std::size_t>(n) && blocks.writable() >= 1;
  }

  bool has_room(FrameCount n) noexcept {
    if (fits(n)) return true;
    if (!options.wait_when_full || gave_up) return false;
    // Rendering: nothing is on air, so wait for the worker (bounded).
    const auto deadline = std::chrono::steady_clock::now() + kMaxWait;
    while (!fits(n)) {
      if (stop.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() > deadline) {
        gave_up = true;  // stuck: drop from now on until it catches up
        return false;
      }
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  // --- worker side ----------------------------------------------------------------------
  void run() noexcept {
    for (;;) {
      take_marks();
      Block b{};
      bool any = false;
      while (blocks.read(&b, 1) == 1) {
        any = true;
        take_marks();
        process(b);
      }
      if (any) continue;
      if (stop.load(std::memory_order_acquire)) {
        take_marks();
        if (blocks.readable() == 0) break;
        continue;
      }
      std::this_thread::sleep_for(kPoll);
    }
    finish_all();
    std::lock_guard lock(m);
    finished = true;
    results_cv.notify_all();
  }

  void take_marks() {
    Mark mk;
    while (marks.read(&mk, 1) == 1) pending_marks.push_back(mk);
  }

  void process(const Block& b) {
    // Frames dropped before this block (a full ring) are left out; marks in them apply here.
    if (b.first > frame) frame = b.first;
    const auto ch = static_cast<std::size_t>(format.channels);
    FrameCount left = b.frames;
    while (left > 0) {
      const FrameCount n = std::min(left, kReadChunk);
      audio.read(buffer.data(), static_cast<std::size_t>(n));
      FrameCount at = 0;
      while (at < n) {
        apply_marks_until(frame);
        // Up to the next mark or 100 ms boundary, whichever is first.
        FrameCount piece = n - at;
        if (!pending_marks.empty() && pending_marks.front().frame > frame)
          piece = std::min(piece, pending_marks.front().frame - frame);
        piece = std::min(piece, slot_frames - frame % slot_frames);
        measure(buffer.data() + static_cast<std::size_t>(at) * ch, piece);
        at += piece;
        frame += piece;
        measured.fetch_add(piece, std::memory_order_relaxed);
      }
      left -= n;
    }
    apply_marks_until(frame);  // an item ending at the block's end is done now
  }

  void measure(const float* data, FrameCount n) {
    filter.energies(data, n, energy.data());
    running_energy(n);
    for (auto& [item, open] : open_items) item_energy(open, data, n);
    true_peaks(data, n);
    // Published at each 100 ms boundary (the status API polls a few times a second).
    if ((frame + n) % slot_frames == 0) {
      publish(lufs_of_energy(mean_of_last(4)), lufs_of_energy(mean_of_last(kPeakSlots)), db_of(status_peak()), frame + n);
      filter.flush_denormals();
    }
  }

  // The output's 100 ms sub-blocks on the output's own grid (pieces never cross one).
  void running_energy(FrameCount n) {
    double sum = 0;
    for (FrameCount i = 0; i < n; ++i) sum += energy[static_cast<std::size_t>(i)];
    sub_energy += sum;
    if ((frame + n) % slot_frames != 0) return;
    subs[next_sub] = sub_energy / static_cast<double>(slot_frames);
    next_sub = (next_sub + 1) % kPeakSlots;
    sub_count = std::min(sub_count + 1, kPeakSlots);
    sub_energy = 0;
  }

  // Mean energy of the last `k` completed sub-blocks (fewer at the start).
  double mean_of_last(int k) const {
    k = std::min(k, sub_count);
    if (k == 0) return 0.0;
    double sum = 0;
    for (int i = 1; i <= k; ++i) sum += subs[static_cast<std::size_t>((next_sub - i + kPeakSlots) % kPeakSlots)];
    return sum / k;
  }

  // An item's own 100 ms sub-blocks from its first frame; every completed one from the 4th
  // on closes a 400 ms gating block (75 % overlap), as libebur128 cuts them. Its first
  // sub-block is weighted by a filter of its own that starts from rest, as the item's audio
  // alone would be: the shared filter still rings with what went before (a silent item
  // after a cut read −49 LUFS). After 100 ms the two filters agree to better than −100 dB
  // (the slowest pole, the RLB high-pass, decays in 4 ms), and the shared energies serve.
  void item_energy(Open& open, const float* data, FrameCount n) {
    FrameCount i = 0;
    if (open.fresh) {
      i = std::min(n, open.fresh_left);
      open.fresh->energies(data, i, scratch.data());
      accumulate(open, scratch.data(), i);
      open.fresh_left -= i;
      if (open.fresh_left == 0) open.fresh.reset();
    }
    accumulate(open, energy.data() + i, n - i);
  }

  void accumulate(Open& open, const double* e, FrameCount n) {
    FrameCount i = 0;
    while (i < n) {
      const FrameCount take = std::min(n - i, slot_frames - open.filled);
      double sum = 0;
      for (FrameCount k = i; k < i + take; ++k) sum += e[k];
      open.sub += sum;
      open.filled += take;
      i += take;
      if (open.filled < slot_frames) break;
      const double sub_block = open.sub / static_cast<double>(slot_frames);
      if (open.subs >= 3) open.gated.add_block((open.last[0] + open.last[1] + open.last[2] + sub_block) / 4.0);
      open.last[0] = open.last[1];
      open.last[1] = open.last[2];
      open.last[2] = sub_block;
      open.subs = std::min(open.subs + 1, 3);
      open.sub = 0;
      open.filled = 0;
    }
  }

  // True peaks. An item's is the largest of its own samples and of the values interpolated
  // between them (TruePeakDetector, interpolated only: the value computed at frame f lies
  // between frames f − kCenter and f − kCenter + 1 and is made of frames f − kTaps + 1 … f).
  // Values that would mix in a neighbour's frames across a cut, the first kEdgeIn and last
  // kEdgeOut locations of an item, are left out of its peak: each item reads as its own
  // audio would alone, give or take its outermost quarter millisecond. The status slots take
  // every value (they show the output as it is). Audio whose samples are under every
  // maximum it could raise, divided by bound(), skips the oversampling.
  static constexpr FrameCount kEdgeIn = TruePeakDetector::kTaps - 1 - TruePeakDetector::kCenter;  // 11
  static constexpr FrameCount kEdgeOut = TruePeakDetector::kCenter;                              // 12

  void true_peaks(const float* data, FrameCount n) {
    const float here = sample_peak(data, n);
    const float reach = std::max(here, tail_peak) * TruePeakDetector::bound();
    tail_peak = n >= TruePeakDetector::kTaps - 1
                    ? sample_peak(data + static_cast<std::size_t>(n - (TruePeakDetector::kTaps - 1)) *
                                             static_cast<std::size_t>(format.channels),
                                  TruePeakDetector::kTaps - 1)
                    : std::max(tail_peak, here);
    // The samples themselves (every open item spans the whole piece: pieces end at marks).
    for (auto& [item, open] : open_items) open.true_peak = std::max(open.true_peak, here);
    advance_slots(frame + n - 1);
    float& now = peaks[slot_index(frame)];
    now = std::max(now, here);

    const FrameCount from = frame - TruePeakDetector::kCenter;  // where this piece's values lie
    float floor = std::min(slot_peak(from), slot_peak(from + n - 1));
    for (auto& [item, open] : open_items)
      if (open.start + kEdgeIn < from + n) floor = std::min(floor, open.true_peak);
    if (reach <= floor) {
      peak.skip(data, n);
      return;
    }
    const auto ch = static_cast<std::size_t>(format.channels);
    for (FrameCount at = 0; at < n;) {
      const int len = static_cast<int>(std::min<FrameCount>(n - at, TruePeakDetector::kChunk));
      peak.peaks(data + static_cast<std::size_t>(at) * ch, len, values.data());
      attribute(from + at, len);
      at += len;
    }
  }

  // values[0, len) lie at frames [loc, loc + len). An item still open now has none of its
  // last kEdgeOut frames' values yet: they come after its end mark, when it is closed.
  void attribute(FrameCount loc, int len) {
    const FrameCount end = loc + len;
    auto max_over = [&](FrameCount a, FrameCount b) {  // frames [a, b) ∩ [loc, end)
      a = std::max(a, loc);
      b = std::min(b, end);
      float v = 0.0f;
      for (FrameCount f = a; f < b; ++f) v = std::max(v, values[static_cast<std::size_t>(f - loc)]);
      return v;
    };
    for (auto& [item, open] : open_items) open.true_peak = std::max(open.true_peak, max_over(open.start + kEdgeIn, end));
    // The status slots (at most two in a piece: pieces are at most 100 ms).
    for (FrameCount a = loc; a < end;) {
      const FrameCount b = std::min((floor_div(a, slot_frames) + 1) * slot_frames, end);
      float& p = peaks[slot_index(a)];
      p = std::max(p, max_over(a, b));
      a = b;
    }
  }

  static FrameCount floor_div(FrameCount a, FrameCount b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
  std::size_t slot_index(FrameCount loc) const {
    return static_cast<std::size_t>(((floor_div(loc, slot_frames) % kPeakSlots) + kPeakSlots) % kPeakSlots);
  }
  float slot_peak(FrameCount loc) const { return peaks[slot_index(loc)]; }
  // Slots entered since the last call start from 0 (the status peak is of the last 3 s).
  void advance_slots(FrameCount loc) {
    const FrameCount slot = floor_div(loc, slot_frames);
    for (FrameCount s = std::max(last_slot + 1, slot - kPeakSlots + 1); s <= slot; ++s)
      peaks[slot_index(s * slot_frames)] = 0.0f;
    last_slot = std::max(last_slot, slot);
  }
  float status_peak() const { return *std::max_element(peaks.begin(), peaks.end()); }

  float sample_peak(const float* data, FrameCount n) const {
    return peak_of(data, static_cast<std::size_t>(n * format.channels));
  }

  void apply_marks_until(FrameCount f) {
    while (!pending_marks.empty() && pending_marks.front().frame <= f) {
      const Mark mk = pending_marks.front();
      pending_marks.pop_front();
      if (!mk.end) {
        try {
          Open open{mk.frame};
          open.fresh.emplace(format.sample_rate, format.channels);
          open.fresh_left = slot_frames;
          open_items.insert_or_assign(mk.item, std::move(open));
        } catch (const std::exception&) {
          // Out of memory: this item goes unmeasured (its record says nothing of loudness).
        }
        continue;
      }
      auto it = open_items.find(mk.item);
      if (it == open_items.end()) {
        post(mk.item, std::nullopt);  // its start was never seen
        continue;
      }
      finish(it->first, it->second);
      open_items.erase(it);
    }
  }

  void finish(const MeteredItem& item, const Open& open) {
    post(item, ItemLoudness{open.gated.integrated_lufs(), db_of(open.true_peak)});
  }

  // The session ended: items still open end at the last frame measured.
  void finish_all() {
    apply_marks_until(std::numeric_limits<FrameCount>::max());
    for (auto& [item, open] : open_items) finish(item, open);
    open_items.clear();
  }

  void post(const MeteredItem& item, std::optional<ItemLoudness> value) {
    std::lock_guard lock(m);
    if (results.size() >= kMaxResults) {
      results.erase(order.front());
      order.pop_front();
    }
    if (results.insert_or_assign(item, value).second) order.push_back(item);
    results_cv.notify_all();
  }

  void publish(double mom, double st, double peak_dbtp, FrameCount f) noexcept {
    seq.fetch_add(1, std::memory_order_acq_rel);
    momentary.store(mom, std::memory_order_relaxed);
    short_term.store(st, std::memory_order_relaxed);
    peak_db.store(peak_dbtp, std::memory_order_relaxed);
    reading_frame.store(f, std::memory_order_relaxed);
    seq.fetch_add(1, std::memory_order_release);
  }

  LoudnessReading read() const noexcept {
    LoudnessReading r;
    for (;;) {
      const auto s0 = seq.load(std::memory_order_acquire);
      if (s0 & 1u) continue;
      r.momentary_lufs = momentary.load(std::memory_order_relaxed);
      r.short_term_lufs = short_term.load(std::memory_order_relaxed);
      r.peak_dbtp = peak_db.load(std::memory_order_relaxed);
      r.frame = reading_frame.load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq.load(std::memory_order_relaxed) == s0) return r;
    }
  }

  void close() {
    if (thread.joinable()) {
      stop.store(true, std::memory_order_release);
      thread.join();
    }
  }

  const AudioFormat format;
  const LoudnessMeterOptions options;
  SpscRing<float> audio;
  SpscRing<Block> blocks;
  SpscRing<Mark> marks;
  const FrameCount max_piece;

  // Engine thread.
  FrameCount next_frame = 0;
  bool gave_up = false;

  // Worker thread.
  KWeighting filter;
  TruePeakDetector peak;
  const FrameCount slot_frames;  // 100 ms: sub-blocks, status slots
  std::vector<float> buffer;
  std::vector<double> energy;   // a piece's weighted energy per frame
  std::vector<double> scratch;  // the same from an item's own filter
  std::vector<float> values;   // a chunk's true peaks per frame
  std::deque<Mark> pending_marks;
  std::map<MeteredItem, Open> open_items;
  FrameCount frame = 0;
  // The output's last 3 s of sub-block energies (momentary: the last 4; short-term: all 30).
  std::array<double, kPeakSlots> subs{};
  int next_sub = 0, sub_count = 0;
  double sub_energy = 0;
  // Status true peaks per 100 ms slot of the last 3 s.
  std::array<float, kPeakSlots> peaks{};
  FrameCount last_slot = -1;
  float tail_peak = 0.0f;  // sample peak of the last kTaps − 1 frames measured

  // Shared.
  std::atomic<bool> stop{false};
  std::atomic<FrameCount> frames_in{0}, measured{0}, dropped{0};
  std::atomic<std::int64_t> marks_dropped{0};
  std::atomic<std::uint32_t> seq{0};
  std::atomic<double> momentary{0}, short_term{0}, peak_db{0};
  std::atomic<FrameCount> reading_frame{0};

  std::mutex m;
  std::condition_variable results_cv;
  std::map<MeteredItem, std::optional<ItemLoudness>> results;
  std::deque<MeteredItem> order;
  bool finished = false;

  std::thread thread;
};

LoudnessMeter::LoudnessMeter(AudioFormat format, LoudnessMeterOptions options)
    : worker_(std::make_unique<Worker>(format, options)) {}

LoudnessMeter::~LoudnessMeter() { close(); }

void LoudnessMeter::write(const float* interleaved, FrameCount frames) noexcept { worker_->push(interleaved, frames); }

void LoudnessMeter::item_started(MeteredItem item) noexcept { worker_->mark(Mark{item, item.start, false}); }

void LoudnessMeter::item_ended(MeteredItem item, FrameCount end) noexcept { worker_->mark(Mark{item, end, true}); }

void LoudnessMeter::close() { worker_->close(); }

std::optional<ItemLoudness> LoudnessMeter::take(MeteredItem item, std::chrono::milliseconds wait) {
  Worker& w = *worker_;
  std::unique_lock lock(w.m);
  w.results_cv.wait_for(lock, wait, [&] { return w.finished || w.results.contains(item); });
  auto it = w.results.find(item);
  if (it == w.results.end()) return std::nullopt;
  auto value = it->second;
  w.results.erase(it);
  w.order.erase(std::find(w.order.begin(), w.order.end(), item));
  return value;
}

LoudnessReading LoudnessMeter::reading() const noexcept { return worker_->read(); }

LoudnessMeterStats LoudnessMeter::stats() const noexcept {
  const Worker& w = *worker_;
  return {w.frames_in.load(std::memory_order_relaxed), w.measured.load(std::memory_order_relaxed),
          w.dropped.load(std::memory_order_relaxed), w.marks_dropped.load(std::memory_order_relaxed)};
}

AudioFormat LoudnessMeter::format() const noexcept { return worker_->format; }

}  // namespace onair
