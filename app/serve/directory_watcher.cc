#include "app/serve/directory_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>

namespace bssflow::serve {

struct WatcherCore : std::enable_shared_from_this<WatcherCore> {
  WatcherCore(boost::asio::any_io_executor executor, int fd)
      : descriptor(executor, fd), settle_timer(executor) {}

  void Read() {
    descriptor.async_read_some(
        boost::asio::buffer(buffer),
        [self = shared_from_this()](boost::system::error_code error, size_t) {
          if (error || self->stopped) return;
          self->Settle();
          self->Read();
        });
  }

  // Restarts the quiet period; the callback runs when it ends.
  void Settle() {
    settle_timer.expires_after(settle);
    settle_timer.async_wait(
        [self = shared_from_this()](boost::system::error_code error) {
          if (error || self->stopped) return;
          self->on_change();
        });
  }

  boost::asio::posix::stream_descriptor descriptor;
  boost::asio::steady_timer settle_timer;
  std::chrono::milliseconds settle{200};
  std::function<void()> on_change;
  std::array<char, 8192> buffer{};
  bool stopped = false;
};

Result<std::unique_ptr<DirectoryWatcher>> DirectoryWatcher::Start(
    boost::asio::any_io_executor executor, const std::string& dir,
    std::chrono::milliseconds settle, std::function<void()> on_change) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    return Status::Error(std::string("cannot watch ") + dir +
                         ": inotify_init1: " + std::strerror(errno));
  }
  const uint32_t mask = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_TO |
                        IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF;
  if (::inotify_add_watch(fd, dir.c_str(), mask) < 0) {
    int error = errno;
    ::close(fd);
    return Status::Error("cannot watch " + dir + ": " + std::strerror(error));
  }
  // A strand: the read and the timer handlers touch the same timer, and
  // the io_context may run on several threads.
  auto core = std::make_shared<WatcherCore>(
      boost::asio::make_strand(executor), fd);
  core->settle = settle;
  core->on_change = std::move(on_change);
  core->Read();
  return std::unique_ptr<DirectoryWatcher>(new DirectoryWatcher(core));
}

DirectoryWatcher::~DirectoryWatcher() { Stop(); }

void DirectoryWatcher::Stop() {
  if (core_ == nullptr) return;
  boost::asio::dispatch(core_->descriptor.get_executor(), [core = core_] {
    if (core->stopped) return;
    core->stopped = true;
    boost::system::error_code ignored;
    core->settle_timer.cancel();
    core->descriptor.close(ignored);
  });
}

}  // namespace bssflow::serve
