#include "app/local_engine.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <sstream>

namespace bssflow::app {

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// mkdir -p with mode 0700 for what it creates.
Status MakeDirectories(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0700) != 0 &&
        errno != EEXIST) {
      return Status::Error("cannot create the state directory " + path +
                           ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) return Status::Ok();
  }
}

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string DefaultStateDir() {
  std::string state = EnvOr("BSSFLOW_STATE_DIR", "");
  if (!state.empty()) return state;
  std::string xdg = EnvOr("XDG_STATE_HOME", "");
  if (!xdg.empty()) return xdg + "/bssflow";
  std::string home = EnvOr("HOME", "");
  if (!home.empty()) return home + "/.local/state/bssflow";
  return ".bssflow";
}

Result<std::unique_ptr<LocalEngine>> LocalEngine::Open(EngineOptions options) {
  if (options.state_dir.empty()) options.state_dir = DefaultStateDir();
  std::unique_ptr<LocalEngine> engine(new LocalEngine());
  std::ostringstream data_error;
  auto context = MakeLoaderContext(options.data, "", data_error);
  if (!context.has_value()) {
    std::string message = data_error.str();
    // MakeLoaderContext writes "bssflow : reason\n"; keep the reason.
    message = message.substr(message.find(": ") + 2);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::Error(message);
  }
  engine->context_ = *context;
  std::error_code error;
  if (!options.create_state_dir &&
      !std::filesystem::is_directory(options.state_dir, error)) {
    return Status::Error("no state directory " + options.state_dir +
                         ": no run was started there (bssflow run and serve "
                         "make it; --state-dir or $BSSFLOW_STATE_DIR chooses "
                         "it)");
  }
  if (Status made = MakeDirectories(options.state_dir); !made.ok()) return made;
  auto store = engine::OpenSqliteStore(options.state_dir + "/journal.db");
  if (!store.ok()) return store.status();
  engine->store_ = std::move(store.value());
  auto key = engine::SecretKey::FromEnvironmentOrDataDir(options.state_dir);
  if (!key.ok()) return key.status();
  engine->secrets_.emplace(std::move(key.value()));
  // From here the engine owns the options: connectors made on its io_
  // go before io_ does, whichever way Open returns (~LocalEngine).
  engine->options_ = std::move(options);
  EngineOptions& kept = engine->options_;
  if (kept.make_connectors) {
    auto connectors = std::make_shared<engine::ConnectorSet>();
    auto actions = std::make_shared<engine::ActionCatalog>();
    Status made =
        kept.make_connectors(engine->strand_, *connectors, *actions);
    if (!made.ok()) return made;
    kept.connectors = std::move(connectors);
    kept.actions = std::move(actions);
  }
  if (kept.connectors == nullptr) {
    kept.connectors = std::make_shared<engine::ConnectorSet>();
  }
  engine->context_.actions = kept.actions.get();

  engine::RunnerDependencies deps;
  deps.store = engine->store_.get();
  deps.connectors = engine->options_.connectors.get();
  deps.actions = engine->options_.actions.get();
  deps.secrets = &*engine->secrets_;
  deps.clock = WallClockMs;
  deps.random = [generator = std::mt19937_64(std::random_device{}())]() mutable {
    return generator();
  };
  deps.executor = engine->strand_;
  LocalEngine* self = engine.get();
  deps.workflows = [self](const std::string& hash, const std::string& name,
                          const std::string& text) {
    return self->LoadStored(hash, name, text);
  };
  if (engine->options_.find_workflow) {
    deps.find_workflow = engine->options_.find_workflow;
  } else {
    deps.find_workflow = [self](const std::string& name) {
      return self->FindWorkflow(name);
    };
  }
  deps.on_event = engine->options_.on_event;
  deps.on_drive_error = engine->options_.on_drive_error;
  engine->runner_ = std::make_unique<engine::Runner>(std::move(deps));
  return engine;
}

LocalEngine::~LocalEngine() {
  // The connectors' sockets live on io_, which goes last: they go first.
  runner_.reset();
  options_.connectors.reset();
  options_.make_connectors = nullptr;
}

std::shared_ptr<const engine::Workflow> LocalEngine::LoadStored(
    const std::string& hash, const std::string& name, const std::string& text) {
  engine::LoadResult loaded =
      engine::LoadWorkflow(name + "@" + hash.substr(0, 12), text, context_);
  return loaded.workflow;
}

}  // namespace bssflow::app

namespace bssflow::app {

Result<engine::ActionCatalog> LocalEngine::LibraryCatalog() {
  FindWorkflow("");  // reads the directory
  if (!library_duplicates_.empty()) {
    return Status::Error(library_duplicates_.front());
  }
  std::vector<std::shared_ptr<const engine::Workflow>> workflows;
  for (const auto& [name, named] : *library_) workflows.push_back(named.workflow);
  return engine::WorkflowCatalog(workflows);
}

const std::vector<std::string>& LocalEngine::LibraryFilesNotLoaded() {
  FindWorkflow("");  // reads the directory
  return library_not_loaded_;
}

engine::NamedWorkflow LocalEngine::FindWorkflow(const std::string& name) {
  if (!library_.has_value()) {
    library_.emplace();
    std::error_code error;
    std::vector<std::filesystem::path> files;
    if (!options_.workflows_dir.empty()) {
      for (const auto& entry : std::filesystem::directory_iterator(
               options_.workflows_dir, error)) {
        std::string extension = entry.path().extension().string();
        if (extension == ".yaml" || extension == ".yml")
          files.push_back(entry.path());
      }
    }
    // In name order, so that which of two files with one workflow name is
    // reported first does not depend on the directory.
    std::sort(files.begin(), files.end());
    for (const std::filesystem::path& file : files) {
      engine::LoadResult loaded =
          engine::LoadWorkflowFile(file.string(), context_);
      if (!loaded.ok()) {  // `bssflow validate` reports why
        library_not_loaded_.push_back(file.string());
        continue;
      }
      auto [at, added] = library_->emplace(
          loaded.workflow->name,
          engine::NamedWorkflow{loaded.workflow, loaded.source.text});
      if (!added) {
        library_duplicates_.push_back(
            "two workflow files are named " + loaded.workflow->name + ": " +
            at->second.workflow->file + " and " + file.string() +
            "; rename one (the `workflow:` field)");
      }
    }
  }
  auto it = library_->find(name);
  return it == library_->end() ? engine::NamedWorkflow() : it->second;
}

}  // namespace bssflow::app
