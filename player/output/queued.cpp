#include "player/output/queued.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "player/output/spsc_ring.hpp"

namespace onair {

using namespace std::chrono_literals;

namespace {
constexpr FrameCount kChunk = 4096;      // frames handed to the sink per call
constexpr auto kMaxWait = 10s;           // render: the longest write() waits for room
}  // namespace

struct QueuedOutput::Worker {
  Worker(Output& out, AudioFormat f, std::size_t frames) : sink(out), format(f), ring(frames, f.channels) {
    buffer.resize(static_cast<std::size_t>(kChunk) * static_cast<std::size_t>(f.channels));
  }

  void start() {
    thread = std::jthread([this](std::stop_token stop) { run(stop); });
  }

  void run(std::stop_token stop) {
    while (true) {
      if (stop.stop_requested()) return;  // close(): what is still queued is let go
      const auto n = static_cast<FrameCount>(ring.read(buffer.data(), static_cast<std::size_t>(kChunk)));
      if (n == 0) {
        if (stop.stop_requested()) return;
        std::unique_lock lock(mutex);
        changed.wait_for(lock, 50ms, [&] { return stop.stop_requested() || ring.readable() > 0; });
        continue;
      }
      for (FrameCount done = 0; done < n;) {
        const FrameCount part = before_next_title(n - done);
        try {
          if (part > 0) sink.write(buffer.data() + done * format.channels, part);
        } catch (const std::exception& e) {
          // A sink that throws loses this block, not the session (it reports its own state).
          if (!failed.exchange(true)) output_log()->error("{}: {}", sink.describe(), e.what());
        }
        played.fetch_add(part, std::memory_order_relaxed);
        done += part;
      }
      std::lock_guard lock(mutex);
      changed.notify_all();  // room for a render waiting in write()
    }
  }

  // Gives the sink every title due by now (the sink's frames: the delay's silence counts)
  // and returns how many of the next `want` frames come before the next title.
  FrameCount before_next_title(FrameCount want) {
    for (;;) {
      const FrameCount at = played.load(std::memory_order_relaxed);
      std::string title;
      {
        std::lock_guard lock(title_mutex);
        if (titles.empty() || titles.front().first >= at + want) return want;
        if (titles.front().first > at) return titles.front().first - at;
        title = std::move(titles.front().second);
        titles.pop_front();
      }
      try {
        sink.post_title(at, title);
      } catch (const std::exception& e) {
        output_log()->warn("{}: title: {}", sink.describe(), e.what());
      }
    }
  }

  Output& sink;
  AudioFormat format;
  SpscRing<float> ring;
  std::vector<float> buffer;
  std::atomic<FrameCount> written{0}, dropped{0}, played{0};
  std::atomic<FrameCount> queued{0};  // into the ring (with the delay's silence)
  std::atomic<bool> failed{false};
  FrameCount delay_frames = 0;  // the silence ahead of the audio
  std::mutex title_mutex;
  std::deque<std::pair<FrameCount, std::string>> titles;  // in the sink's frames
  std::mutex mutex;
  std::condition_variable changed;
  bool gave_up = false;  // render: the worker is stuck; drop from now on
  std::jthread thread;   // last
};

QueuedOutput::QueuedOutput(std::unique_ptr<Output> inner, QueuedOutputOptions options)
    : inner_(std::move(inner)), options_(options) {
  if (!inner_) throw std::invalid_argument("QueuedOutput needs an output to wrap");
}

QueuedOutput::~QueuedOutput() { close(); }

Output& QueuedOutput::inner() noexcept { return *inner_; }

AudioFormat QueuedOutput::open(const AudioFormat& requested) {
  close();
  const AudioFormat f = inner_->open(requested);
  const auto frames = static_cast<std::size_t>(std::max<FrameCount>(f.frames(options_.queue), 2 * kChunk));
  {
    std::lock_guard gate(titles_gate_);
    worker_ = std::make_unique<Worker>(*inner_, f, frames);
  }
  // The delay: silence queued ahead of everything (at most what the ring holds).
  std::vector<float> zero(static_cast<std::size_t>(kChunk) * static_cast<std::size_t>(f.channels), 0.0f);
  worker_->delay_frames = std::min<FrameCount>(f.frames(options_.delay), static_cast<FrameCount>(frames) / 2);
  for (FrameCount left = worker_->delay_frames; left > 0;) {
    const auto n = static_cast<FrameCount>(worker_->ring.write(zero.data(), static_cast<std::size_t>(std::min(left, kChunk))));
    worker_->queued.fetch_add(n, std::memory_order_relaxed);
    left -= n;
  }
  worker_->start();
  return f;
}

void QueuedOutput::write(const float* interleaved, FrameCount frames) {
  if (!worker_) return;
  Worker& w = *worker_;
  w.written.fetch_add(frames, std::memory_order_relaxed);
  FrameCount done = static_cast<FrameCount>(w.ring.write(interleaved, static_cast<std::size_t>(frames)));
  if (done < frames && options_.wait_when_full && !w.gave_up) {
    const auto deadline = std::chrono::steady_clock::now() + kMaxWait;
    std::unique_lock lock(w.mutex);
    while (done < frames) {
      done += static_cast<FrameCount>(w.ring.write(interleaved + done * w.format.channels,
                                                   static_cast<std::size_t>(frames - done)));
      if (done == frames) break;
      if (w.changed.wait_until(lock, deadline) == std::cv_status::timeout) {
        w.gave_up = true;
        output_log()->error("{}: stuck for {} s; dropping its audio", inner_->describe(),
                            std::chrono::duration_cast<std::chrono::seconds>(kMaxWait).count());
        break;
      }
    }
  }
  w.queued.fetch_add(done, std::memory_order_relaxed);
  if (done < frames) w.dropped.fetch_add(frames - done, std::memory_order_relaxed);
  else w.gave_up = false;
  {
    std::lock_guard lock(w.mutex);  // the worker is asleep or will see the audio
  }
  w.changed.notify_all();
}

void QueuedOutput::drain() {
  if (!worker_) return;
  Worker& w = *worker_;
  std::unique_lock lock(w.mutex);
  w.changed.wait_for(lock, kMaxWait, [&] {
    return w.played.load(std::memory_order_relaxed) >= w.queued.load(std::memory_order_relaxed);
  });
}

void QueuedOutput::close() {
  if (!worker_) return;
  // Rendering, the sink gets the end too; in real time it stops after the write in progress.
  if (options_.wait_when_full) drain();
  worker_->thread.request_stop();
  {
    std::lock_guard lock(worker_->mutex);
  }
  worker_->changed.notify_all();
  worker_->thread.join();
  inner_->close();
  last_ = stats();
  std::lock_guard gate(titles_gate_);
  worker_.reset();
}

OutputStats QueuedOutput::stats() const {
  if (!worker_) return last_;
  const Worker& w = *worker_;
  OutputStats s;
  s.written = w.written.load(std::memory_order_relaxed);
  s.played = w.played.load(std::memory_order_relaxed);
  s.dropped_frames = w.dropped.load(std::memory_order_relaxed);
  return s;
}

std::string QueuedOutput::describe() const { return inner_->describe(); }

void QueuedOutput::post_title(FrameCount at, const std::string& title) {
  std::lock_guard gate(titles_gate_);
  if (!worker_) return;
  Worker& w = *worker_;
  {
    std::lock_guard lock(w.title_mutex);
    if (w.titles.size() >= 64) w.titles.pop_front();  // a flood of titles: the newest count
    w.titles.emplace_back(at + w.delay_frames, title);
  }
  {
    std::lock_guard lock(w.mutex);
  }
  w.changed.notify_all();
}

void QueuedOutput::collect_status(std::vector<OutputStatus>& into) const {
  const std::size_t first = into.size();
  inner_->collect_status(into);
  if (into.size() <= first) return;
  const FrameCount queue = stats().dropped_frames;
  into[first].dropped_frames += queue;
  into[first].queue_dropped += queue;
}

}  // namespace onair
