// The engine as one CLI command uses it: the journal store and secret key in
// the state directory, the connectors, and a Runner on a single-threaded
// io_context that the command drives to completion.
#ifndef BSSFLOW_APP_LOCAL_ENGINE_H_
#define BSSFLOW_APP_LOCAL_ENGINE_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <map>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/workflow_files.h"
#include "base/status.h"
#include "engine/actions.h"
#include "engine/connector.h"
#include "engine/loader.h"
#include "engine/runner.h"
#include "engine/secrets.h"
#include "engine/store.h"

namespace bssflow::app {

/// $BSSFLOW_STATE_DIR; else $XDG_STATE_HOME/bssflow; else
/// $HOME/.local/state/bssflow; else ./.bssflow.
std::string DefaultStateDir();

struct EngineOptions {
  /// Holds journal.db (the SQLite journal) and secret.key; created (mode
  /// 0700) when missing. Empty: DefaultStateDir().
  std::string state_dir;
  /// Whether a missing state_dir is made. Commands that only read or go on
  /// with runs (runs, show, export, answer, resume) open an existing one
  /// only: a mistyped directory is an error, not a new empty journal and a
  /// new key.
  bool create_state_dir = true;
  DataFiles data = DefaultDataFiles();
  /// The connectors runs reach, and their manifests. Null: none (a `call`
  /// step then fails with "no connector").
  std::shared_ptr<const engine::ConnectorSet> connectors;
  std::shared_ptr<const engine::ActionCatalog> actions;
  /// Makes the connectors on the engine's executor (connectors keep sockets
  /// on it), adding them and their manifests to the two sets; called once
  /// by Open, and then `connectors` and `actions` are those sets. Kept
  /// until the engine goes, with whatever it holds (embedded simulators).
  std::function<Status(boost::asio::any_io_executor, engine::ConnectorSet&,
                       engine::ActionCatalog&)>
      make_connectors;
  /// Where `workflow` steps find the workflows they call, by their
  /// `workflow:` name: the *.yaml files of this directory that load. Empty:
  /// none (such a step then fails, unless its run was started earlier).
  std::string workflows_dir;
  /// When set, `workflow` steps find their workflows here instead of in
  /// workflows_dir (bssflow serve: its reloadable registry). Called on the
  /// engine's executor.
  std::function<engine::NamedWorkflow(const std::string&)> find_workflow;
  /// Called for every event a run appends (engine::RunnerDependencies).
  std::function<void(const engine::RunRecord&, const engine::Event&)>
      on_event;
  /// Called when a background drive fails on the infrastructure
  /// (engine::RunnerDependencies::on_drive_error).
  std::function<void(const std::string&, const Status&)> on_drive_error;
};

/// Owns everything a Runner needs. The Runner, its runs and the connectors
/// live on executor(), a strand of io(): a command drives io() from its own
/// thread with Await; `bssflow serve` runs io() on several threads and
/// reaches the Runner through the strand. Destroy it only when io() is not
/// running.
class LocalEngine {
 public:
  /// Opens the state directory's store and key, and reads the data files;
  /// an error names what could not be opened.
  static Result<std::unique_ptr<LocalEngine>> Open(EngineOptions options);

  LocalEngine(const LocalEngine&) = delete;
  LocalEngine& operator=(const LocalEngine&) = delete;
  ~LocalEngine();

  engine::Runner& runner() { return *runner_; }
  engine::JournalStore& store() { return *store_; }
  const engine::LoaderContext& loader_context() const { return context_; }
  const std::string& state_dir() const { return options_.state_dir; }
  boost::asio::io_context& io() { return io_; }
  /// Where every Runner method must be called (runner.h, "Threading").
  const boost::asio::strand<boost::asio::io_context::executor_type>&
  executor() const {
    return strand_;
  }

  /// The workflows of options_.workflows_dir as a catalog for
  /// LoaderContext::workflows; an error naming both files when two share a
  /// workflow name.
  Result<engine::ActionCatalog> LibraryCatalog();

  /// The files of options_.workflows_dir that do not load (left out of the
  /// catalog: `workflow` steps cannot call what they define), in name order.
  const std::vector<std::string>& LibraryFilesNotLoaded();

  /// Runs `task` on the engine's io_context until it completes (and every
  /// run it started has finished or parked); its result.
  template <typename T>
  T Await(boost::asio::awaitable<T> task) {
    std::optional<T> result;
    RunToCompletion(
        [&result, task = std::move(task)]() mutable
        -> boost::asio::awaitable<void> { result.emplace(co_await std::move(task)); });
    return std::move(*result);
  }
  void Await(boost::asio::awaitable<void> task) {
    RunToCompletion([task = std::move(task)]() mutable
                    -> boost::asio::awaitable<void> { co_await std::move(task); });
  }

 private:
  LocalEngine() = default;
  /// Spawns `start()` on io_ and runs io_ until no work is left; an
  /// exception escaping the coroutine is rethrown.
  template <typename Start>
  void RunToCompletion(Start start) {
    boost::asio::co_spawn(strand_, std::move(start),
                          [](std::exception_ptr failure) {
      if (failure) std::rethrow_exception(failure);
    });
    io_.restart();
    io_.run();
  }
  /// A stored definition, loaded as the file "NAME@HASH" (the workflow's
  /// name and the first 12 digits of its hash), so that positions in it
  /// name the workflow and the version that ran, not a file that may have
  /// changed since.
  std::shared_ptr<const engine::Workflow> LoadStored(const std::string& hash,
                                                     const std::string& name,
                                                     const std::string& text);
  /// The workflow called `name` in options_.workflows_dir (read once).
  engine::NamedWorkflow FindWorkflow(const std::string& name);

  EngineOptions options_;
  engine::LoaderContext context_;
  std::unique_ptr<engine::JournalStore> store_;
  std::optional<engine::SecretBox> secrets_;
  std::unique_ptr<engine::Runner> runner_;
  std::optional<std::map<std::string, engine::NamedWorkflow>> library_;
  /// Workflow names two files of the directory share (the first file
  /// wins in FindWorkflow; LibraryCatalog reports them).
  std::vector<std::string> library_duplicates_;
  std::vector<std::string> library_not_loaded_;
  /// Last, so that it goes first: runs still suspended in it end while the
  /// Runner and the store they refer to are alive.
  boost::asio::io_context io_;
  /// After io_, so that it goes before it.
  boost::asio::strand<boost::asio::io_context::executor_type> strand_{
      io_.get_executor()};
};

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_LOCAL_ENGINE_H_
