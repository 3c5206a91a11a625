// Calls back when the files of a directory change (inotify): a file written
// and closed, created, deleted or moved in or out. Changes that come in a
// burst (an editor's save, a `git pull`) are reported once, after the
// directory has been quiet for `settle`.
#ifndef BSSFLOW_APP_SERVE_DIRECTORY_WATCHER_H_
#define BSSFLOW_APP_SERVE_DIRECTORY_WATCHER_H_

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"

namespace bssflow::serve {

struct WatcherCore;

class DirectoryWatcher {
 public:
  /// Watches `dir`; `on_change` runs on `executor`. An error when inotify
  /// cannot watch the directory (it is missing, or the system's watch limit
  /// is reached).
  static Result<std::unique_ptr<DirectoryWatcher>> Start(
      boost::asio::any_io_executor executor, const std::string& dir,
      std::chrono::milliseconds settle, std::function<void()> on_change);
  ~DirectoryWatcher();
  /// Stops watching; no on_change starts once the stop has run on the
  /// watcher's strand. Thread-safe.
  void Stop();

 private:
  explicit DirectoryWatcher(std::shared_ptr<WatcherCore> core)
      : core_(std::move(core)) {}
  std::shared_ptr<WatcherCore> core_;
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_DIRECTORY_WATCHER_H_
