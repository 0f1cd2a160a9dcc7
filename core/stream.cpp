// Streams, events and the thread-local current stream and device (see stream.h).
#include "core/stream.h"

#include <array>

#include "core/error.h"

namespace ember {
namespace detail {
thread_local StreamHandle tls_current_stream[kMaxDeviceTypes][kMaxStreamDeviceIndex] EMBER_TLS_FAST = {};
}  // namespace detail

namespace {

// Keeps the current streams' owners alive while they are current (the handle array above is
// what hot paths read).
struct CurrentStreams {
  std::array<std::array<std::shared_ptr<void>, detail::kMaxStreamDeviceIndex>, kMaxDeviceTypes> owners;
};
thread_local CurrentStreams t_current;
thread_local std::array<int16_t, kMaxDeviceTypes> t_current_device = {};

void check_index(Device d, const char* what) {
  EMBER_CHECK(d.index() >= 0 && d.index() < detail::kMaxStreamDeviceIndex, IndexError, "[", what, "] device index ",
              d.index(), " is out of range (at most ", detail::kMaxStreamDeviceIndex, " devices per type)");
}

}  // namespace

Stream::Owner::~Owner() {
  if (handle != nullptr) device_runtime(device).stream_destroy(device.index(), handle);
}

Stream Stream::create(Device device, int32_t priority) {
  DeviceRuntime& rt = device_runtime(device);
  Stream s(device);
  if (!rt.supports_streams()) return s;
  StreamHandle h = rt.stream_create(device.index(), priority);
  if (h != nullptr) {
    auto owner = std::make_shared<Owner>();
    owner->device = device;
    owner->handle = h;
    s.owner_ = std::move(owner);
  }
  return s;
}

void Stream::synchronize() const { device_runtime(device_).stream_synchronize(device_.index(), handle()); }

bool Stream::query() const { return device_runtime(device_).stream_query(device_.index(), handle()); }

Stream current_stream(Device device) {
  check_index(device, "current_stream");
  Stream s(device);
  auto& owner = t_current.owners[device.type()][device.index()];
  if (owner) s.owner_ = std::static_pointer_cast<Stream::Owner>(owner);
  return s;
}

void set_current_stream(const Stream& s) {
  Device d = s.device();
  check_index(d, "set_current_stream");
  device_type_info(d.type());  // validates the type
  t_current.owners[d.type()][d.index()] = s.owner_;
  detail::tls_current_stream[d.type()][d.index()] = s.handle();
}

void synchronize(Device device) { device_runtime(device).synchronize(device.index()); }

StreamGuard::StreamGuard(const Stream& s) : previous_(current_stream(s.device())) { set_current_stream(s); }

StreamGuard::~StreamGuard() {
  try {
    set_current_stream(previous_);
  } catch (...) {
    // Restoring a stream that was valid cannot fail; never throw from a destructor.
  }
}

int16_t current_device_index(DeviceTypeId type) {
  EMBER_CHECK(type >= 0 && type < kMaxDeviceTypes, ValueError, "[current_device] invalid device type id ", type);
  return t_current_device[type];
}

void set_current_device_index(DeviceTypeId type, int16_t index) {
  const DeviceTypeInfo& info = device_type_info(type);
  EMBER_CHECK(index >= 0 && index < info.device_count, IndexError, "[set_device] device index ", index,
              " is out of range for '", info.name, "', which has ", info.device_count, " device(s)");
  t_current_device[type] = index;
}

DeviceGuard::DeviceGuard(Device device) : type_(device.type()), previous_(current_device_index(device.type())) {
  set_current_device_index(type_, device.index());
}

DeviceGuard::~DeviceGuard() { t_current_device[type_] = previous_; }

Event::~Event() { release(); }

Event::Event(Event&& o) noexcept
    : timing_(o.timing_), recorded_(o.recorded_), device_(o.device_), handle_(o.handle_) {
  o.handle_ = nullptr;
  o.recorded_ = false;
}

Event& Event::operator=(Event&& o) noexcept {
  if (this != &o) {
    release();
    timing_ = o.timing_;
    recorded_ = o.recorded_;
    device_ = o.device_;
    handle_ = o.handle_;
    o.handle_ = nullptr;
    o.recorded_ = false;
  }
  return *this;
}

void Event::release() noexcept {
  if (handle_ != nullptr) device_runtime(device_).event_destroy(device_.index(), handle_);
  handle_ = nullptr;
}

void Event::record(const Stream& s) {
  DeviceRuntime& rt = device_runtime(s.device());
  if (handle_ != nullptr && device_ != s.device()) {
    EMBER_FAIL(ValueError, "[Event.record] the event was created on ", device_, " and cannot be recorded on a stream of ",
               s.device());
  }
  if (handle_ == nullptr) {
    device_ = s.device();
    handle_ = rt.event_create(device_.index(), timing_);
  }
  rt.event_record(device_.index(), handle_, s.handle());
  recorded_ = true;
}

void Event::block(const Stream& s) const {
  if (!recorded_) return;
  EMBER_CHECK(s.device().type() == device_.type(), ValueError, "[Event.block] the event is on ", device_,
              ", the stream on ", s.device());
  device_runtime(s.device()).stream_wait_event(s.device().index(), s.handle(), handle_);
}

bool Event::query() const { return !recorded_ || device_runtime(device_).event_query(device_.index(), handle_); }

void Event::synchronize() const {
  if (recorded_) device_runtime(device_).event_synchronize(device_.index(), handle_);
}

double Event::elapsed_time(const Event& end) const {
  EMBER_CHECK(timing_ && end.timing_, ValueError, "[Event.elapsed_time] both events need enable_timing=true");
  EMBER_CHECK(recorded_ && end.recorded_, ValueError, "[Event.elapsed_time] both events must be recorded first");
  EMBER_CHECK(device_ == end.device_, ValueError, "[Event.elapsed_time] the events are on ", device_, " and ",
              end.device_);
  return device_runtime(device_).event_elapsed_ms(device_.index(), handle_, end.handle_);
}

}  // namespace ember
