// Journal events as people read them: one line per event, for `bssflow run`
// (as the run goes) and `bssflow show` (a whole journal). Sealed secrets are
// printed as *** and never opened.
#ifndef BSSFLOW_APP_EVENT_FORMAT_H_
#define BSSFLOW_APP_EVENT_FORMAT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "engine/journal.h"

namespace bssflow::app {

/// `json` with every sealed secret ({"$secret": "..."}) replaced by "***".
nlohmann::json MaskSealed(const nlohmann::json& json);

/// What the event says, without its sequence or time, e.g.
/// `create_customer: call partner_center.create_customer (attempt 2, resent)`
/// or `run finished: failed (check_failed: phone is missing)`.
std::string DescribeEvent(const engine::Event& event);

/// "HH:MM:SS.mmm" of a time in milliseconds since the epoch, in UTC.
std::string FormatClock(int64_t time_ms);

/// "YYYY-MM-DDTHH:MM:SSZ" of a time in milliseconds since the epoch.
std::string FormatTimestamp(int64_t time_ms);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_EVENT_FORMAT_H_
