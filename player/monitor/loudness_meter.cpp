#include "player/monitor/loudness_meter.hpp"

#include <ebur128.h>

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

#include "player/output/spsc_ring.hpp"

namespace onair {

using namespace std::chrono_literals;

namespace {

constexpr FrameCount kReadChunk = 4096;
constexpr std::size_t kBlockSlots = 1024;
constexpr std::size_t kMarkSlots = 1024;
constexpr std::size_t kMaxResults = 1024;  // uncollected results kept (oldest go first)
constexpr auto kPoll = 20ms;
constexpr auto kMaxWait = 10s;             // render: the longest write() waits for the worker
constexpr int kPeakSlots = 30;             // the status peak: 30 slots of 100 ms

double db_of(double linear) { return linear > 0.0 ? 20.0 * std::log10(linear) : -HUGE_VAL; }

struct StateDeleter {
  void operator()(ebur128_state* s) const noexcept { ebur128_destroy(&s); }
};
using State = std::unique_ptr<ebur128_state, StateDeleter>;

State make_state(const AudioFormat& f, int mode) {
  State s(ebur128_init(static_cast<unsigned>(f.channels), static_cast<unsigned long>(f.sample_rate), mode));
  if (!s) throw std::runtime_error("libebur128 cannot measure " + std::to_string(f.channels) + " channels at " +
                                   std::to_string(f.sample_rate) + " Hz");
  return s;
}

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
  Worker(AudioFormat f, LoudnessMeterOptions o)
      : format(f),
        options(o),
        audio(static_cast<std::size_t>(std::max<FrameCount>(f.frames(o.buffer), 2 * kReadChunk)), f.channels),
        blocks(kBlockSlots, 1),
        marks(kMarkSlots, 1),
        max_piece(static_cast<FrameCount>(audio.capacity() / 4)),
        running(make_state(f, EBUR128_MODE_S)),
        slot_frames(std::max<FrameCount>(1, f.sample_rate / 10)) {
    buffer.resize(static_cast<std::size_t>(kReadChunk) * static_cast<std::size_t>(f.channels));
    peaks.fill(0.0);
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
    // The session ended: items still open end at the last frame measured.
    apply_marks_until(std::numeric_limits<FrameCount>::max());
    for (auto& [item, open] : open_items) finish(item, std::move(open));
    open_items.clear();
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
    ebur128_add_frames_float(running.get(), data, static_cast<std::size_t>(n));
    // True peaks are measured per item, each from its own first frame: a shared
    // oversampler would carry the end of one item into the next one's peak.
    double tp = 0.0;
    for (auto& [item, open] : open_items) {
      ebur128_add_frames_float(open.state.get(), data, static_cast<std::size_t>(n));
      for (unsigned c = 0; c < static_cast<unsigned>(format.channels); ++c) {
        double v = 0.0;
        if (ebur128_prev_true_peak(open.state.get(), c, &v) == EBUR128_SUCCESS) {
          open.true_peak = std::max(open.true_peak, v);
          tp = std::max(tp, v);
        }
      }
    }
    if (open_items.empty()) tp = sample_peak(data, n);
    const auto slot = static_cast<std::size_t>((frame / slot_frames) % kPeakSlots);
    if (slot != current_slot) {
      current_slot = slot;
      peaks[slot] = 0.0;
    }
    peaks[slot] = std::max(peaks[slot], tp);
    // Published at each 100 ms boundary (the status API polls a few times a second).
    if ((frame + n) % slot_frames == 0) {
      double mom = -HUGE_VAL, st = -HUGE_VAL;
      ebur128_loudness_momentary(running.get(), &mom);
      ebur128_loudness_shortterm(running.get(), &st);
      publish(mom, st, db_of(*std::max_element(peaks.begin(), peaks.end())), frame + n);
    }
  }

  // Between items (nothing open): the status peak from the samples.
  double sample_peak(const float* data, FrameCount n) const {
    float peak = 0.0f;
    for (std::size_t i = 0, end = static_cast<std::size_t>(n * format.channels); i < end; ++i)
      peak = std::max(peak, std::abs(data[i]));
    return peak;
  }

  void apply_marks_until(FrameCount f) {
    while (!pending_marks.empty() && pending_marks.front().frame <= f) {
      const Mark mk = pending_marks.front();
      pending_marks.pop_front();
      if (!mk.end) {
        try {
          open_items.insert_or_assign(mk.item, Open{make_state(format, EBUR128_MODE_I | EBUR128_MODE_HISTOGRAM | EBUR128_MODE_TRUE_PEAK), 0.0});
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
      finish(it->first, std::move(it->second));
      open_items.erase(it);
    }
  }

  struct Open {
    State state;
    double true_peak = 0.0;
  };

  void finish(const MeteredItem& item, Open open) {
    double lufs = -HUGE_VAL;
    ebur128_loudness_global(open.state.get(), &lufs);
    post(item, ItemLoudness{lufs, db_of(open.true_peak)});
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

  void publish(double mom, double st, double peak, FrameCount f) noexcept {
    seq.fetch_add(1, std::memory_order_acq_rel);
    momentary.store(mom, std::memory_order_relaxed);
    short_term.store(st, std::memory_order_relaxed);
    peak_db.store(peak, std::memory_order_relaxed);
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
  State running;
  const FrameCount slot_frames;
  std::vector<float> buffer;
  std::deque<Mark> pending_marks;
  std::map<MeteredItem, Open> open_items;
  FrameCount frame = 0;
  std::array<double, kPeakSlots> peaks{};
  std::size_t current_slot = 0;

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
