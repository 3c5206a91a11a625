// Recordings: a run as a self-contained JSON document, for testers to keep
// and replay (docs/recording.schema.json). A recording is the run's journal
// reorganised by what a replay needs: the workflow's definition and
// version, the inputs, every connector call in order with each attempt's
// result or error, the confirmations and their answers, the time each step
// started (what now() returned in it; uuid() values follow from the run id
// and the step), the notifications sent and to whom, and the outcome.
// Secrets are "***": a recording never holds one in clear, sealed or not.
#ifndef BSSFLOW_APP_RECORDING_H_
#define BSSFLOW_APP_RECORDING_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/journal.h"
#include "engine/store.h"

namespace bssflow::app {

/// The `format` and `version` members of every recording.
inline constexpr const char* kRecordingFormat = "bssflow-recording";
inline constexpr int kRecordingVersion = 1;

/// The recording of `run`, from its journal and its definition's text.
nlohmann::json MakeRecording(const engine::RunRecord& run,
                             const std::string& definition,
                             const std::vector<engine::Event>& journal);

/// The recording of the run `run_id` of `store`; an error when the run or
/// its definition cannot be read.
Result<nlohmann::json> RecordRun(engine::JournalStore& store,
                                 const std::string& run_id);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_RECORDING_H_
