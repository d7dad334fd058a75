#include "player/output/factory.hpp"
#include "player/output/portaudio/devices.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "player/output/null.hpp"
#include "player/output/wav.hpp"
#include "player/output/portaudio/output.hpp"

namespace onair {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

DeviceInfo dev(int index, std::string name, std::string api, bool is_default = false) {
  DeviceInfo d;
  d.index = index;
  d.name = std::move(name);
  d.host_api = std::move(api);
  d.max_output_channels = 2;
  d.default_sample_rate = 48000;
  d.is_default = is_default;
  return d;
}

const std::vector<DeviceInfo> kDevices = {
    dev(0, "HDA Intel PCH: ALC892 Analog (hw:0,0)", "ALSA"),
    dev(1, "HDA Intel PCH: HDMI 0 (hw:0,3)", "ALSA"),
    dev(2, "sysdefault", "ALSA"),
    dev(3, "default", "ALSA"),
    dev(4, "system", "JACK Audio Connection Kit", true),
};

std::string error_of(std::string_view query, const std::vector<DeviceInfo>& devices = kDevices) {
  try {
    select_device(devices, query);
  } catch (const DeviceError& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceSelection, ExactName) {
  EXPECT_EQ(select_device(kDevices, "system").index, 4);
  // Exact beats substring: "default" is also inside "sysdefault".
  EXPECT_EQ(select_device(kDevices, "default").index, 3);
}

TEST(DeviceSelection, UniqueSubstringIgnoringCase) {
  EXPECT_EQ(select_device(kDevices, "alc892").index, 0);
  EXPECT_EQ(select_device(kDevices, "HDMI").index, 1);
  EXPECT_EQ(select_device(kDevices, "syst").index, 4);
}

TEST(DeviceSelection, EmptyMeansTheDefaultDevice) {
  EXPECT_EQ(select_device(kDevices, "").index, 4);
  std::vector<DeviceInfo> none = {dev(0, "a", "ALSA")};
  EXPECT_THAT(error_of("", none), HasSubstr("no default output device"));
}

TEST(DeviceSelection, AmbiguousListsTheCandidates) {
  const std::string msg = error_of("HDA Intel");
  EXPECT_THAT(msg, AllOf(HasSubstr("ambiguous"), HasSubstr("matches 2 devices"), HasSubstr("ALC892 Analog"),
                         HasSubstr("HDMI 0"), Not(HasSubstr("system"))));
}

TEST(DeviceSelection, MissingListsEveryDevice) {
  const std::string msg = error_of("usb");
  EXPECT_THAT(msg, AllOf(HasSubstr("no output device matches 'usb'"), HasSubstr("system"),
                         HasSubstr("ALC892"), HasSubstr("JACK Audio Connection Kit")));
  EXPECT_THAT(error_of("x", {}), HasSubstr("no output devices found"));
}

TEST(DeviceSelection, SameNameOnTwoHostApisPrefersTheDefaultApi) {
  const std::vector<DeviceInfo> devices = {dev(0, "card", "OSS"), dev(1, "card", "ALSA"),
                                           dev(2, "other", "ALSA", true)};
  EXPECT_EQ(select_device(devices, "card").index, 1);
  const std::vector<DeviceInfo> no_default = {dev(0, "card", "OSS"), dev(1, "card", "ALSA")};
  EXPECT_THAT(error_of("card", no_default), HasSubstr("ambiguous"));
}

TEST(DeviceSelection, FormatsOneLinePerDevice) {
  const std::string text = format_devices(kDevices);
  EXPECT_THAT(text, HasSubstr("  system  (JACK Audio Connection Kit, 2 ch, 48000 Hz) [default]\n"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5);
}

TEST(MakeOutput, ParsesTheOutputSpec) {
  EXPECT_NE(dynamic_cast<NullOutput*>(make_output("null").get()), nullptr);
  auto wav = make_output("wav:/tmp/x.wav");
  ASSERT_NE(dynamic_cast<WavOutput*>(wav.get()), nullptr);
  EXPECT_EQ(wav->describe(), "wav:/tmp/x.wav");
  auto pa = make_output("pa:sys");
  ASSERT_NE(dynamic_cast<PortAudioOutput*>(pa.get()), nullptr);
  EXPECT_EQ(pa->describe(), "pa:sys");
  EXPECT_EQ(make_output("default")->describe(), "pa:default");
  EXPECT_THROW(make_output("bogus"), OutputError);
  EXPECT_THROW(make_output("pa:"), OutputError);
  EXPECT_THROW(make_output("wav:"), OutputError);
}

}  // namespace
}  // namespace onair
