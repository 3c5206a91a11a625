#include "app/demo_command.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <system_error>
#include <unistd.h>

#include "app/embedded_connectors.h"
#include "app/event_format.h"
#include "engine/journal.h"
#include "simulators/bss/demo_seed.h"

namespace bssflow::app {

namespace {

namespace event_type = engine::event_type;
using engine::RunStatus;

// What one run did, gathered from its events as they are journaled.
struct RunStory {
  std::vector<std::string> questions;
  std::vector<std::string> answers;
  std::vector<std::string> recipients;  // of each notification
  std::vector<std::string> check_messages;
  std::string status;
  std::string error;
  nlohmann::json outputs;
};

// A payload member as text; a sealed secret (an object) as ***.
std::string Text(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  if (it == data.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : "***";
}

void Record(RunStory& story, const engine::Event& event) {
  const nlohmann::json& data = event.data;
  if (event.type == event_type::kConfirmationRequested) {
    story.questions.push_back(Text(data, "message"));
  } else if (event.type == event_type::kConfirmationAnswered) {
    story.answers.push_back(Text(data, "answer") + " (by " +
                            Text(data, "by") + ")");
  } else if (event.type == event_type::kNotificationSent) {
    story.recipients.push_back(Text(data, "to"));
  } else if (event.type == event_type::kCheckFailed) {
    for (const nlohmann::json& m : data.value("messages", nlohmann::json()))
      story.check_messages.push_back(m.is_string() ? m.get<std::string>()
                                                   : "***");
  } else if (event.type == event_type::kRunFinished) {
    story.status = Text(data, "status");
    if (data.contains("error")) story.error = Text(data["error"], "message");
    story.outputs = data.value("outputs", nlohmann::json::object());
  }
}

// Events of the runs in flight, by run id; a child run's events are kept
// apart and not reported.
struct Stories {
  std::map<std::string, RunStory> by_run;
  std::vector<std::string> verbose_lines;
};

std::vector<int64_t> DemoCustomers() {
  std::vector<int64_t> ids;
  for (const auto& [id, account] : simulators::bss::DemoSeed().accounts) {
    if (!account.is_reseller) ids.push_back(id);
  }
  return ids;
}

std::string AccountName(int64_t id) {
  const auto accounts = simulators::bss::DemoSeed().accounts;
  auto it = accounts.find(id);
  return it == accounts.end() ? "(not a demo account)" : it->second.name;
}

std::string Join(const nlohmann::json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const nlohmann::json& item : list) {
    if (!out.empty()) out += ", ";
    out += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return out;
}

std::string Output(const RunStory& story, const char* key) {
  return Text(story.outputs, key);
}

// The lines that say what happened to one account.
void TellProvisioning(const RunStory& story, std::ostream& out) {
  for (size_t i = 0; i < story.questions.size(); ++i) {
    out << "    asked:    \"" << story.questions[i] << "\"\n";
    if (i < story.answers.size())
      out << "    answered: " << story.answers[i] << "\n";
  }
  if (!story.check_messages.empty()) {
    out << "    prerequisites failed:\n";
    for (const std::string& m : story.check_messages)
      out << "      - " << m << "\n";
    return;
  }
  if (story.status == "failed") {
    out << "    failed:   " << story.error << "\n";
    return;
  }
  const std::string outcome = Output(story, "outcome");
  const std::string tenant = Output(story, "tenant_id");
  const std::string domain = Output(story, "domain");
  if (outcome == "created") {
    out << "    tenant created: " << domain << " (tenant " << tenant << ")\n";
  } else if (outcome == "linked") {
    out << "    linked to the existing tenant " << domain << " (tenant "
        << tenant << "); no tenant user created\n";
  } else if (outcome == "rejected") {
    out << "    rejected: the account stays unlinked; nothing was created\n";
  } else if (outcome == "already linked") {
    out << "    already linked to " << domain << "\n";
  } else {
    out << "    " << (story.status.empty() ? "not finished" : story.status)
        << ": nothing changed (" << outcome << ")\n";
  }
  for (const std::string& to : story.recipients)
    out << "    \"Welcome Office 365 customer\" sent to " << to << "\n";
}

void TellDefinitions(const std::string& system, const RunStory& story,
                     std::ostream& out) {
  if (story.status != "succeeded") {
    out << "  " << system << ": failed: " << story.error << "\n";
    return;
  }
  const nlohmann::json created =
      story.outputs.value("created", nlohmann::json::array());
  out << "  " << system << ": "
      << (created.empty() ? "nothing to create"
                          : "created " + Join(created))
      << "; fields now: " << Join(story.outputs.value("fields", nlohmann::json()))
      << "\n";
}

std::string MakeTempDir() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = ".";
  for (int i = 0; i < 100; ++i) {
    std::filesystem::path dir =
        base / ("bssflow-demo-" + std::to_string(::getpid()) + "-" +
                std::to_string(i));
    if (std::filesystem::create_directory(dir, ec)) return dir.string();
  }
  return "";
}

// Loads one workflow of the demo; diagnostics on `err`.
std::shared_ptr<const engine::Workflow> LoadDemoWorkflow(
    LocalEngine& local, const std::string& path, std::string& text,
    std::ostream& err) {
  engine::LoadResult loaded =
      engine::LoadWorkflowFile(path, local.loader_context());
  if (!loaded.ok()) {
    err << dsl::RenderAll(loaded.source, loaded.diagnostics);
    return nullptr;
  }
  text = loaded.source.text;
  return loaded.workflow;
}

class Demo {
 public:
  Demo(const DemoOptions& options, std::ostream& out, std::ostream& err)
      : options_(options), out_(out), err_(err) {}

  int Run(const std::string& state_dir) {
    EngineOptions engine = WithEmbeddedSimulators(options_.engine);
    engine.state_dir = state_dir;
    engine.on_event = [this](const engine::RunRecord& run,
                             const engine::Event& event) {
      Record(stories_[run.id], event);
      if (options_.verbose) out_ << "      " << DescribeEvent(event) << "\n";
    };
    auto opened = LocalEngine::Open(std::move(engine));
    if (!opened.ok()) {
      err_ << "bssflow demo: " << opened.status().message() << "\n";
      return 2;
    }
    local_ = opened.value().get();
    const std::string dir = options_.workflows_dir.empty()
                                ? DefaultMicrosoftWorkflowsDir()
                                : options_.workflows_dir;
    auto definitions = LoadDemoWorkflow(
        *local_, dir + "/get-services-definitions.yaml", definitions_text_,
        err_);
    auto provision = LoadDemoWorkflow(*local_, dir + "/provision-tenant.yaml",
                                      provision_text_, err_);
    if (definitions == nullptr || provision == nullptr) return 2;
    int status = RunDefinitions(definitions);
    if (status == 0) status = RunProvisioning(provision);
    local_ = nullptr;
    return status;
  }

 private:
  // Starts a run and answers its prompts; its story, or nullopt when the
  // engine could not drive it.
  const RunStory* Drive(std::shared_ptr<const engine::Workflow> workflow,
                        const std::string& text, nlohmann::json inputs,
                        engine::Answer answer) {
    Result<engine::RunSummary> run = local_->Await(
        local_->runner().Start(workflow, text, std::move(inputs), ""));
    while (run.ok() && run.value().status == RunStatus::kAwaitingConfirmation) {
      run = local_->Await(local_->runner().AnswerConfirmation(
          run.value().run_id, answer, "demo"));
    }
    if (!run.ok()) {
      err_ << "bssflow demo: " << run.status().message() << "\n";
      return nullptr;
    }
    return &stories_[run.value().run_id];
  }

  int RunDefinitions(std::shared_ptr<const engine::Workflow> workflow) {
    out_ << "Get Services Definitions (workflow " << workflow->name << ")\n";
    for (const char* system : {"MSCSP-DIRECT", "MSCSP-CT", "MSCSP-DIRECT"}) {
      const RunStory* story =
          Drive(workflow, definitions_text_, {{"system_code", system}},
                engine::Answer::kConfirm);
      if (story == nullptr) return 2;
      TellDefinitions(system, *story, out_);
    }
    out_ << "\n";
    return 0;
  }

  int RunProvisioning(std::shared_ptr<const engine::Workflow> workflow) {
    out_ << "Save & Synchronize (workflow " << workflow->name << ")\n";
    std::vector<int64_t> accounts =
        options_.accounts.empty() ? DemoCustomers() : options_.accounts;
    std::map<std::string, int> tally;
    for (int64_t id : accounts) {
      const bool reject = std::find(options_.reject.begin(),
                                    options_.reject.end(),
                                    id) != options_.reject.end();
      out_ << "  " << id << " " << AccountName(id) << "\n";
      const RunStory* story = Drive(
          workflow, provision_text_, {{"account_id", id}},
          reject ? engine::Answer::kReject : engine::Answer::kConfirm);
      if (story == nullptr) return 2;
      TellProvisioning(*story, out_);
      ++tally[Summary(*story)];
    }
    out_ << "\n" << accounts.size()
         << (accounts.size() == 1 ? " account:" : " accounts:");
    const char* separator = " ";
    for (const auto& [what, count] : tally) {
      out_ << separator << count << " " << what;
      separator = ", ";
    }
    out_ << "\n";
    return 0;
  }

  static std::string Summary(const RunStory& story) {
    if (!story.check_messages.empty()) return "prerequisites failed";
    if (story.status == "failed") return "failed";
    std::string outcome = Text(story.outputs, "outcome");
    return outcome.empty() ? story.status : outcome;
  }

  const DemoOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  LocalEngine* local_ = nullptr;
  std::string definitions_text_;
  std::string provision_text_;
  std::map<std::string, RunStory> stories_;
};

}  // namespace

std::string DefaultMicrosoftWorkflowsDir() {
  const char* dir = std::getenv("BSSFLOW_WORKFLOWS_DIR");
  if (dir != nullptr && *dir != '\0') return std::string(dir) + "/microsoft";
  return BSSFLOW_SOURCE_WORKFLOWS_DIR "/microsoft";
}

int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  std::string state_dir = options.engine.state_dir;
  const bool temporary = state_dir.empty();
  if (temporary) {
    state_dir = MakeTempDir();
    if (state_dir.empty()) {
      err << "bssflow demo: cannot create a temporary state directory\n";
      return 2;
    }
  }
  int status = Demo(options, out, err).Run(state_dir);
  if (temporary) {
    std::error_code ec;
    std::filesystem::remove_all(state_dir, ec);
  }
  return status;
}

}  // namespace bssflow::app
