// FileStore (see file_store.h). Record format, native byte order:
//   uint32 key length, key bytes, uint32 value length (0xFFFFFFFF: the key was deleted), value.
#include "distributed/file_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "distributed/key_value_map.h"

namespace ember {
namespace distributed {

namespace {

constexpr uint32_t kDeleted = 0xFFFFFFFFu;
constexpr const char* kCleanupKey = "__ember/file_store/finished_workers";
constexpr Milliseconds kPollInterval{10};

void write_all(int fd, const void* data, size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    EMBER_CHECK(w > 0, DistributedError, "[FileStore(", path, ")] write failed: ", std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

// Holds this object's mutex and a flock on the file for one operation.
class FileStore::Lock {
 public:
  Lock(FileStore& store, bool exclusive) : store_(store), guard_(store.mutex_) {
    while (::flock(store_.fd_, exclusive ? LOCK_EX : LOCK_SH) != 0) {
      EMBER_CHECK(errno == EINTR, DistributedError, "[", store_.describe(), "] flock failed: ", std::strerror(errno));
    }
    store_.refresh();
  }
  ~Lock() { ::flock(store_.fd_, LOCK_UN); }

 private:
  FileStore& store_;
  std::lock_guard<std::mutex> guard_;
};

FileStore::FileStore(std::string path, int num_workers, Milliseconds timeout)
    : Store(timeout), path_(std::move(path)), num_workers_(num_workers) {
  EMBER_CHECK(!path_.empty(), ValueError, "[FileStore] the path is empty");
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  EMBER_CHECK(fd_ >= 0, DistributedError, "[FileStore] cannot open '", path_, "': ", std::strerror(errno));
}

FileStore::~FileStore() {
  if (fd_ < 0) return;
  try {
    if (num_workers_ > 0) {
      int64_t finished;
      {
        Lock lock(*this, true);
        finished = add_unlocked(kCleanupKey, 1);
      }
      if (finished >= num_workers_) ::unlink(path_.c_str());
    }
  } catch (...) {
    // A destructor cannot report; the file is merely left behind.
  }
  ::close(fd_);
}

void FileStore::refresh() {
  struct stat st {};
  EMBER_CHECK(::fstat(fd_, &st) == 0, DistributedError, "[", describe(), "] stat failed: ", std::strerror(errno));
  if (st.st_size <= offset_) return;
  std::vector<uint8_t> buf(static_cast<size_t>(st.st_size - offset_));
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t r = ::pread(fd_, buf.data() + got, buf.size() - got, offset_ + static_cast<off_t>(got));
    if (r < 0 && errno == EINTR) continue;
    EMBER_CHECK(r >= 0, DistributedError, "[", describe(), "] read failed: ", std::strerror(errno));
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  size_t pos = 0;
  auto read_u32 = [&](uint32_t* out) {
    if (pos + 4 > got) return false;
    std::memcpy(out, buf.data() + pos, 4);
    pos += 4;
    return true;
  };
  for (;;) {
    size_t start = pos;
    uint32_t klen = 0, vlen = 0;
    if (!read_u32(&klen) || pos + klen > got) { pos = start; break; }
    std::string key(reinterpret_cast<const char*>(buf.data() + pos), klen);
    pos += klen;
    if (!read_u32(&vlen)) { pos = start; break; }
    if (vlen == kDeleted) {
      cache_.erase(key);
    } else {
      if (pos + vlen > got) { pos = start; break; }
      cache_[key] = Bytes(buf.begin() + static_cast<long>(pos), buf.begin() + static_cast<long>(pos + vlen));
      pos += vlen;
    }
  }
  offset_ += static_cast<int64_t>(pos);
}

void FileStore::append(const std::string& key, const Bytes* value) {
  std::vector<uint8_t> record;
  uint32_t klen = static_cast<uint32_t>(key.size());
  uint32_t vlen = value ? static_cast<uint32_t>(value->size()) : kDeleted;
  record.resize(8 + key.size() + (value ? value->size() : 0));
  std::memcpy(record.data(), &klen, 4);
  std::memcpy(record.data() + 4, key.data(), key.size());
  std::memcpy(record.data() + 4 + key.size(), &vlen, 4);
  if (value && !value->empty()) std::memcpy(record.data() + 8 + key.size(), value->data(), value->size());
  write_all(fd_, record.data(), record.size(), path_);
  refresh();  // our own record, so that the cache and offset stay in step with the file
}

void FileStore::set(const std::string& key, const Bytes& value) {
  Lock lock(*this, true);
  append(key, &value);
}

Bytes FileStore::get(const std::string& key, Milliseconds timeout) {
  const Milliseconds limit = resolve(timeout);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    {
      Lock lock(*this, false);
      auto it = cache_.find(key);
      if (it != cache_.end()) return it->second;
    }
    if (std::chrono::steady_clock::now() >= deadline) fail_timeout({key}, limit);
    std::this_thread::sleep_for(kPollInterval);
  }
}

int64_t FileStore::add_unlocked(const std::string& key, int64_t delta) {
  int64_t value = delta;
  auto it = cache_.find(key);
  if (it != cache_.end()) value += parse_store_integer(key, it->second);
  Bytes text = to_bytes(std::to_string(value));
  append(key, &text);
  return value;
}

int64_t FileStore::add(const std::string& key, int64_t delta) {
  Lock lock(*this, true);
  return add_unlocked(key, delta);
}

Bytes FileStore::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  Lock lock(*this, true);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    if (!expected.empty()) return expected;
    append(key, &desired);
    return desired;
  }
  if (it->second != expected) return it->second;
  append(key, &desired);
  return desired;
}

bool FileStore::delete_key(const std::string& key) {
  Lock lock(*this, true);
  if (!cache_.count(key)) return false;
  append(key, nullptr);
  return true;
}

bool FileStore::check(const std::vector<std::string>& keys) {
  Lock lock(*this, false);
  for (const auto& k : keys)
    if (!cache_.count(k)) return false;
  return true;
}

void FileStore::wait(const std::vector<std::string>& keys, Milliseconds timeout) {
  const Milliseconds limit = resolve(timeout);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!check(keys)) {
    if (std::chrono::steady_clock::now() >= deadline) fail_timeout(keys, limit);
    std::this_thread::sleep_for(kPollInterval);
  }
}

int64_t FileStore::num_keys() {
  Lock lock(*this, false);
  return static_cast<int64_t>(cache_.size()) - (cache_.count(kCleanupKey) ? 1 : 0);
}

}  // namespace distributed
}  // namespace ember
