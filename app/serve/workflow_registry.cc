#include "app/serve/workflow_registry.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "dsl/source.h"

namespace bssflow::serve {

namespace {

std::vector<std::string> WorkflowFiles(const std::string& dir,
                                       std::vector<FileProblem>& problems) {
  std::vector<std::string> files;
  std::error_code error;
  std::filesystem::directory_iterator entries(dir, error);
  if (error) {
    problems.push_back({dir, {"cannot read the workflows directory " + dir +
                              ": " + error.message()}});
    return files;
  }
  for (const auto& entry : entries) {
    std::string extension = entry.path().extension().string();
    if (extension == ".yaml" || extension == ".yml")
      files.push_back(entry.path().string());
  }
  // Name order: which of two files with one name wins does not depend on
  // the directory's order.
  std::sort(files.begin(), files.end());
  return files;
}

FileProblem ProblemOf(const std::string& file,
                      const engine::LoadResult& loaded) {
  FileProblem problem{file, {}};
  for (const dsl::Diagnostic& diagnostic : loaded.diagnostics)
    problem.diagnostics.push_back(dsl::Render(loaded.source, diagnostic));
  return problem;
}

// The names whose version differs between two sets, or that one lacks.
std::vector<std::string> Changed(const WorkflowSet& before,
                                 const WorkflowSet& after) {
  std::set<std::string> names;
  for (const auto& [name, named] : before.workflows) names.insert(name);
  for (const auto& [name, named] : after.workflows) names.insert(name);
  std::vector<std::string> changed;
  for (const std::string& name : names) {
    auto old_it = before.workflows.find(name);
    auto new_it = after.workflows.find(name);
    if (old_it == before.workflows.end() || new_it == after.workflows.end() ||
        old_it->second.workflow->content_hash !=
            new_it->second.workflow->content_hash) {
      changed.push_back(name);
    }
  }
  return changed;
}

}  // namespace

WorkflowRegistry::WorkflowRegistry(std::string dir,
                                   engine::LoaderContext context)
    : dir_(std::move(dir)),
      context_(std::move(context)),
      current_(std::make_shared<WorkflowSet>()) {}

ReloadReport WorkflowRegistry::Reload() {
  std::lock_guard reload_lock(reload_mutex_);
  std::shared_ptr<const WorkflowSet> before = Current();
  auto after = std::make_shared<WorkflowSet>();
  std::vector<std::string> files = WorkflowFiles(dir_, after->problems);

  // First pass: what each file declares, so that `workflow` steps can be
  // checked against the whole directory in the second.
  std::vector<std::shared_ptr<const engine::Workflow>> declared;
  for (const std::string& file : files) {
    engine::LoadResult first = engine::LoadWorkflowFile(file, context_);
    if (first.ok()) declared.push_back(first.workflow);
  }
  Result<engine::ActionCatalog> catalog = engine::WorkflowCatalog(declared);
  engine::LoaderContext context = context_;
  if (catalog.ok()) context.workflows = &catalog.value();

  for (const std::string& file : files) {
    engine::LoadResult loaded = engine::LoadWorkflowFile(file, context);
    if (!loaded.ok()) {
      after->problems.push_back(ProblemOf(file, loaded));
      // The version the file had stays on offer.
      auto kept = before->files.find(file);
      if (kept != before->files.end() &&
          after->workflows.count(kept->second) == 0) {
        after->workflows[kept->second] = before->workflows.at(kept->second);
        after->files[file] = kept->second;
      }
      continue;
    }
    const std::string& name = loaded.workflow->name;
    auto [at, added] = after->workflows.emplace(
        name, engine::NamedWorkflow{loaded.workflow, loaded.source.text});
    if (!added) {
      after->problems.push_back(
          {file,
           {file + ": the workflow name " + name + " is taken by " +
            at->second.workflow->file +
            "; rename one (the `workflow:` field)"}});
      continue;
    }
    after->files[file] = name;
  }

  ReloadReport report;
  for (const auto& [name, named] : after->workflows) report.loaded.push_back(name);
  report.changed = Changed(*before, *after);
  report.problems = after->problems;
  std::lock_guard lock(current_mutex_);
  current_ = std::move(after);
  return report;
}

std::shared_ptr<const WorkflowSet> WorkflowRegistry::Current() const {
  std::lock_guard lock(current_mutex_);
  return current_;
}

engine::NamedWorkflow WorkflowRegistry::Find(const std::string& name) const {
  std::shared_ptr<const WorkflowSet> set = Current();
  auto it = set->workflows.find(name);
  return it == set->workflows.end() ? engine::NamedWorkflow() : it->second;
}

}  // namespace bssflow::serve
