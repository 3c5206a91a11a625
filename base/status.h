// Status and Result<T>: the channel for infrastructure failures (a file that
// cannot be read, a malformed data table). Mistakes in user input travel as
// diagnostics, and failures of a running expression as error values; neither
// uses this type.
#ifndef BSSFLOW_BASE_STATUS_H_
#define BSSFLOW_BASE_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace bssflow {

/// Success, or a message that names the subject, the problem and the fix.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    return Status(std::move(message));
  }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message)
      : failed_(true), message_(std::move(message)) {}

  bool failed_ = false;
  std::string message_;
};

/// A value of type T, or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : rep_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : rep_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(rep_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(rep_); }
  const T& value() const& { return std::get<T>(rep_); }
  T& value() & { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  const Status& status() const { return std::get<Status>(rep_); }

 private:
  std::variant<T, Status> rep_;
};

}  // namespace bssflow

#endif  // BSSFLOW_BASE_STATUS_H_
