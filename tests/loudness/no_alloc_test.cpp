// The master processor on the render thread must not allocate: counted with a replaced
// global operator new that only counts while a thread-local flag is set.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "loudness/loudness_support.hpp"
#include "player/loudness/processor.hpp"
#include "player/output/processed.hpp"

namespace {
thread_local bool g_counting = false;
std::atomic<long> g_allocations{0};
}  // namespace

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  if (g_counting) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace onair {
namespace {

struct Counting {
  Counting() {
    g_allocations = 0;
    g_counting = true;
  }
  ~Counting() { g_counting = false; }
  long count() const { return g_allocations.load(); }
};

TEST(LoudnessNoAllocation, CounterWorks) {
  Counting c;
  auto* v = new std::vector<int>(100);
  asm volatile("" : : "g"(v) : "memory");
  const long n = c.count();
  delete v;
  EXPECT_GE(n, 2);
}

TEST(LoudnessNoAllocation, ProcessorAndDecoratorWrite) {
  test::Audio noise = test::pink_noise(6, 5);
  test::scale_to_lufs(noise, -6);  // limiting all the time, AGC lowering
  MasterProcessor p({48000, 2});
  ProcessedOutput out(std::make_unique<test::CaptureOutput>());
  out.open({48000, 2});
  // The capture sink allocates as it stores; count only the decorator's own work by giving
  // it room first.
  auto& capture = static_cast<test::CaptureOutput&>(out.inner());
  capture.samples.reserve(noise.samples.size() * 2);
  std::vector<float> block(1024 * 2);
  long n = 0;
  for (long i = 0; i + 1024 <= noise.frames(); i += 1024) {
    BusControl control;
    control.agc = (i / 48000) % 2 == 0;  // engaging and disengaging too
    out.set_control(control);
    std::copy_n(noise.frame(i), 2048, block.data());
    Counting c;
    p.process(block.data(), 1024, control);
    out.write(noise.frame(i), 1024);
    n += c.count();
  }
  EXPECT_EQ(n, 0);
  EXPECT_GT(p.limiter_reduction_db() + out.limiter_reduction_db(), 0.0f);
}

}  // namespace
}  // namespace onair
