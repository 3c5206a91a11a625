// ReadFile: a whole file as text, or why it cannot be read.
//
// One reader for every file bssflow is handed (workflows, connectors,
// templates, server configuration, scenarios, recordings, data tables), so
// that each reports a missing file, a directory given by mistake or a read
// error the same way, with the system's reason. (An std::ifstream opens a
// directory without complaint and reads it as an empty file.)
#ifndef BSSFLOW_BASE_READ_FILE_H_
#define BSSFLOW_BASE_READ_FILE_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/status.h"

namespace bssflow {

/// The bytes of the file at `path`. Otherwise an error "cannot read the
/// file: REASON", REASON being the system's (e.g. "No such file or
/// directory", "Is a directory", "Permission denied"). The message does not
/// name the file: callers put the name where their own messages put it.
/// Pipes and character devices (/dev/stdin) are read to their end.
inline Result<std::string> ReadFile(const std::string& path) {
  auto failure = [](int error) {
    return Status::Error(std::string("cannot read the file: ") +
                         std::strerror(error));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failure(errno);
  struct CloseOnExit {
    int fd;
    ~CloseOnExit() { ::close(fd); }
  } close_on_exit{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return failure(errno);
  if (S_ISDIR(info.st_mode)) return failure(EISDIR);
  std::string text;
  if (S_ISREG(info.st_mode)) text.reserve(static_cast<size_t>(info.st_size));
  char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n > 0) {
      text.append(buffer, static_cast<size_t>(n));
    } else if (errno != EINTR) {
      return failure(errno);
    }
  }
}

}  // namespace bssflow

#endif  // BSSFLOW_BASE_READ_FILE_H_
