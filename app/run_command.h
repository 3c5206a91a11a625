// The commands that run workflows on the local engine (local_engine.h):
//   bssflow run WORKFLOW [--input JSON] [--answer STEP=confirm|reject]...
//   bssflow answer RUN confirm|reject
//   bssflow resume
// and the ones that read its journal:
//   bssflow runs [--status S] [--workflow W]
//   bssflow show RUN
#ifndef BSSFLOW_APP_RUN_COMMAND_H_
#define BSSFLOW_APP_RUN_COMMAND_H_

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/local_engine.h"

namespace bssflow::app {

/// Exit codes of the run commands: what became of the run.
enum RunExitCode {
  kRunSucceeded = 0,
  kRunFailed = 1,  // the run failed, or the workflow file is invalid
  kRunUsage = 2,   // bad flags or input, or the engine could not work
  kRunAwaitingConfirmation = 3,
  kRunCancelled = 4,
};

struct RunOptions {
  std::string workflow_file;
  /// The inputs, a JSON object's text; empty: {}.
  std::string input_json;
  /// Answers to confirm steps, "STEP=confirm" or "STEP=reject".
  std::vector<std::string> answers;
  /// Who answers (journaled); empty: $USER.
  std::string by;
  /// Ask confirmations without an --answer on `in` (a terminal).
  bool interactive = false;
  /// When set, the run's recording (recording.h) is written there once the
  /// run finished or parked.
  std::string record_file;
  EngineOptions engine;
  /// The options a later `bssflow answer` of this run needs to find it and
  /// go on as it went (AnswerFlags), printed with the command to answer a
  /// parked run.
  std::string answer_flags;
};

/// " --state-dir DIR --connectors FILE --workflows DIR", each only when not
/// empty, quoted for a POSIX shell when needed.
std::string AnswerFlags(const std::string& state_dir,
                        const std::string& connectors_file,
                        const std::string& workflows_dir);

/// Runs the workflow once: validates it (diagnostics and exit 1 when
/// invalid), starts a run, prints each event as it is journaled, answers
/// confirmations from `answers` or by asking on `in` when `interactive`,
/// and returns the exit code of the run's final status.
int RunWorkflow(const RunOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err);

struct AnswerOptions {
  std::string run_id;
  std::string decision;  // "confirm" or "reject"
  std::string by;
  EngineOptions engine;
  /// As RunOptions::answer_flags, for a run that parks again.
  std::string answer_flags;
};

/// Answers the pending confirmation of a run and drives it on, printing its
/// events; the exit code of where the run stands then.
int AnswerRun(const AnswerOptions& options, std::ostream& out,
              std::ostream& err);

/// Drives every unfinished run of the state directory (after a crash or a
/// kill), printing their events; 0 when every run could be driven.
int ResumeRuns(const EngineOptions& engine, std::ostream& out,
               std::ostream& err);

struct ListOptions {
  std::vector<std::string> statuses;
  std::string workflow;
  int limit = 50;
  EngineOptions engine;
};

/// Prints a table of runs, newest last: id, workflow, status, step, times.
int ListRuns(const ListOptions& options, std::ostream& out, std::ostream& err);

/// Prints a run and its journal, one event per line, secrets as ***.
int ShowRun(const std::string& run_id, const EngineOptions& engine,
            std::ostream& out, std::ostream& err);

/// Writes the recording of a run (recording.h) to `output_file`, or to
/// `out` when it is empty or "-"; 0, or 2 when the run cannot be read or
/// the file written.
int ExportRun(const std::string& run_id, const std::string& output_file,
              const EngineOptions& engine, std::ostream& out,
              std::ostream& err);

/// Whether a recording can be written to `path` (its directory takes new
/// files; the file, if there is one, is writable): checked before a run
/// that records, so that a bad path stops it before it has any effect.
Status CheckRecordingWritable(const std::string& path);

/// Writes `recording` to `path` (pretty JSON, a newline at the end),
/// through a file beside it renamed into place; a file replaced keeps its
/// mode, and a symbolic link keeps pointing to the file, which is the one
/// replaced. An error naming the file when it cannot be written.
Status WriteRecording(const nlohmann::json& recording, const std::string& path);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_RUN_COMMAND_H_
