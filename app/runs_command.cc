// `bssflow runs`, `bssflow show` and `bssflow export`: reading the journal
// store.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <sys/stat.h>
#include <unistd.h>

#include "app/event_format.h"
#include "app/recording.h"
#include "app/run_command.h"

namespace bssflow::app {

namespace {

// `text` in a column of `width`: padded with spaces, and followed by one
// space at least, so that a value wider than its column (a long workflow
// name) does not run into the next one.
std::string Pad(std::string text, size_t width) {
  text.append(text.size() < width ? width - text.size() : 1, ' ');
  return text;
}

constexpr size_t kWorkflowColumn = 30;
// More than any terminal shows; keeps limit + 1 within an int.
constexpr int kMaxListedRuns = 1000000;

void PrintRunLine(const engine::RunRecord& run, std::ostream& out) {
  out << Pad(run.id, 38) << Pad(run.workflow, kWorkflowColumn)
      << Pad(engine::RunStatusName(run.status), 23)
      << Pad(run.current_step.empty() ? "-" : run.current_step, 24)
      << FormatTimestamp(run.created_ms) << "\n";
}

}  // namespace

int ListRuns(const ListOptions& options, std::ostream& out,
             std::ostream& err) {
  engine::RunFilter filter;
  for (const std::string& name : options.statuses) {
    std::optional<engine::RunStatus> status = engine::ParseRunStatus(name);
    if (!status.has_value()) {
      err << "bssflow runs: unknown status '" << name
          << "'; one of pending, running, awaiting_confirmation, succeeded, "
             "failed, cancelled\n";
      return kRunUsage;
    }
    filter.statuses.push_back(*status);
  }
  filter.workflow = options.workflow;
  // One run more than is shown tells whether there are more.
  const int limit = std::clamp(options.limit, 1, kMaxListedRuns);
  filter.limit = limit + 1;
  auto engine = LocalEngine::Open(options.engine);
  if (!engine.ok()) {
    err << "bssflow runs: " << engine.status().message() << "\n";
    return kRunUsage;
  }
  auto runs = engine.value()->store().ListRuns(filter);
  if (!runs.ok()) {
    err << "bssflow runs: " << runs.status().message() << "\n";
    return kRunUsage;
  }
  out << Pad("RUN", 38) << Pad("WORKFLOW", kWorkflowColumn) << Pad("STATUS", 23)
      << Pad("STEP", 24) << "CREATED\n";
  const bool more = runs.value().size() > static_cast<size_t>(limit);
  if (more) runs.value().pop_back();
  for (const engine::RunRecord& run : runs.value()) PrintRunLine(run, out);
  if (more) out << "(the first " << limit << " runs; --limit shows more)\n";
  return 0;
}

int ShowRun(const std::string& run_id, const EngineOptions& options,
            std::ostream& out, std::ostream& err) {
  auto engine = LocalEngine::Open(options);
  if (!engine.ok()) {
    err << "bssflow show: " << engine.status().message() << "\n";
    return kRunUsage;
  }
  engine::JournalStore& store = engine.value()->store();
  auto run = store.GetRun(run_id);
  auto journal = run.ok() ? store.ReadJournal(run_id) : run.status();
  if (!journal.ok()) {
    err << "bssflow show: " << journal.status().message() << "\n";
    return kRunUsage;
  }
  const engine::RunRecord& r = run.value();
  out << "run       " << r.id << "\n"
      << "workflow  " << r.workflow << " (definition "
      << r.definition_hash.substr(0, 12) << ")\n"
      << "status    " << engine::RunStatusName(r.status) << "\n";
  if (!r.current_step.empty()) out << "step      " << r.current_step << "\n";
  out << "inputs    " << MaskSealed(r.inputs).dump() << "\n"
      << "created   " << FormatTimestamp(r.created_ms) << "\n"
      << "updated   " << FormatTimestamp(r.updated_ms) << "\n\n";
  for (const engine::Event& event : journal.value()) {
    char sequence[16];
    std::snprintf(sequence, sizeof sequence, "%4lld ",
                  static_cast<long long>(event.sequence));
    out << sequence << FormatClock(event.time_ms) << "  "
        << DescribeEvent(event) << "\n";
  }
  return 0;
}

namespace {

// The file a recording at `path` goes to: the one a symbolic link names,
// so that replacing it keeps the link.
std::filesystem::path RecordingTarget(const std::string& path) {
  std::error_code error;
  std::filesystem::path target = std::filesystem::weakly_canonical(path, error);
  return error ? std::filesystem::path(path) : target;
}

}  // namespace

Status CheckRecordingWritable(const std::string& path) {
  const std::filesystem::path target = RecordingTarget(path);
  std::filesystem::path directory = target.parent_path();
  if (directory.empty()) directory = ".";
  std::error_code ignored;
  if (std::filesystem::is_directory(target, ignored)) {
    return Status::Error("cannot write the recording to " + path + ": " +
                         std::strerror(EISDIR));
  }
  // Written aside, then renamed: the directory must take a new file.
  if (::access(directory.c_str(), W_OK) != 0 ||
      (std::filesystem::exists(target, ignored) &&
       ::access(target.c_str(), W_OK) != 0)) {
    return Status::Error("cannot write the recording to " + path + ": " +
                         std::strerror(errno));
  }
  return Status::Ok();
}

Status WriteRecording(const nlohmann::json& recording,
                      const std::string& path) {
  // Written aside and renamed into place, so that a recording being
  // replaced (bssflow replay --update) is never seen half written; it
  // keeps the mode of the file it replaces, and a link to it stays a link.
  const std::filesystem::path target = RecordingTarget(path);
  std::error_code ignored;
  if (std::filesystem::is_directory(target, ignored)) {
    return Status::Error("cannot write the recording to " + path + ": " +
                         std::strerror(EISDIR));
  }
  const std::string temporary = target.string() + ".new";
  std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
  if (!file) {
    return Status::Error("cannot write the recording to " + path + ": " +
                         std::strerror(errno));
  }
  file << recording.dump(2, ' ', false,
                         nlohmann::json::error_handler_t::replace)
       << "\n";
  file.close();
  struct stat replaced;
  if (::stat(target.c_str(), &replaced) == 0)
    ::chmod(temporary.c_str(), replaced.st_mode & 07777);
  if (!file || std::rename(temporary.c_str(), target.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    return Status::Error("cannot write the recording to " + path + ": " +
                         reason);
  }
  return Status::Ok();
}

int ExportRun(const std::string& run_id, const std::string& output_file,
              const EngineOptions& options, std::ostream& out,
              std::ostream& err) {
  auto engine = LocalEngine::Open(options);
  if (!engine.ok()) {
    err << "bssflow export: " << engine.status().message() << "\n";
    return kRunUsage;
  }
  Result<nlohmann::json> recording =
      RecordRun(engine.value()->store(), run_id);
  if (!recording.ok()) {
    err << "bssflow export: " << recording.status().message() << "\n";
    return kRunUsage;
  }
  if (output_file.empty() || output_file == "-") {
    out << recording.value().dump(2, ' ', false,
                                  nlohmann::json::error_handler_t::replace)
        << "\n";
    return 0;
  }
  Status written = WriteRecording(recording.value(), output_file);
  if (!written.ok()) {
    err << "bssflow export: " << written.message() << "\n";
    return kRunUsage;
  }
  return 0;
}

}  // namespace bssflow::app
