// FileStore: a Store in a file that every rank can open (a shared file system, or /tmp on one
// machine), as c10d's FileStore. The file is an append-only log of (key, value) records; writers
// hold an exclusive flock while they read what is new and append, readers a shared one. Waiting
// readers look again every 10 ms (sleeping; inotify does not work on network file systems).
//
// With num_workers > 0, the last of that many FileStore objects to be destroyed deletes the
// file, so a job leaves nothing behind; with num_workers <= 0 the file is kept.
//
// Ownership: owns its file descriptor. Thread-safety: every method may be called from many
// threads at once (one mutex per object; flock orders processes).
#pragma once

#include <map>
#include <mutex>

#include "distributed/store.h"

namespace ember {
namespace distributed {

class EMBER_API FileStore : public Store {
 public:
  // Opens (creating it if needed) the file at path. Throws DistributedError naming the path when
  // it cannot be opened.
  explicit FileStore(std::string path, int num_workers = -1, Milliseconds timeout = kDefaultStoreTimeout);
  ~FileStore() override;

  void set(const std::string& key, const Bytes& value) override;
  Bytes get(const std::string& key, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t add(const std::string& key, int64_t delta) override;
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) override;
  bool delete_key(const std::string& key) override;
  bool check(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, Milliseconds timeout = kUseStoreTimeout) override;
  int64_t num_keys() override;
  std::string describe() const override { return "FileStore(" + path_ + ")"; }
  using Store::set;

  const std::string& path() const { return path_; }

 private:
  class Lock;
  // Reads the records appended since the last look into cache_ (the caller holds a flock).
  void refresh();
  // Appends one record (the caller holds the exclusive flock).
  void append(const std::string& key, const Bytes* value);
  int64_t add_unlocked(const std::string& key, int64_t delta);

  std::string path_;
  int num_workers_;
  int fd_ = -1;
  std::mutex mutex_;  // cache_, offset_ and the flock of this object's descriptor
  std::map<std::string, Bytes> cache_;
  int64_t offset_ = 0;
};

}  // namespace distributed
}  // namespace ember
