// libFuzzer target: any byte string as a workflow file through the loader
// (YAML parsing, structure checks, expressions and templates). Whatever the
// input, LoadWorkflow must return a workflow or diagnostics, and rendering
// the diagnostics must work: no crash, no sanitizer report, no hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"
#include "engine/loader.h"

namespace {

using namespace bssflow;

struct Fixture {
  engine::LoaderContext context;
  engine::ActionCatalog actions;

  Fixture() {
    auto rules = dsl::PostalCodeRules::LoadFile(dsl::DefaultPostalCodeRulesPath());
    context.functions =
        dsl::BuildDefaultRegistry(rules.ok() ? rules.value() : nullptr).value();
    auto fields = dsl::MergeFieldMap::LoadFile(dsl::DefaultMergeFieldsPath());
    if (fields.ok()) context.merge_fields = fields.value();
    (void)actions.Add({"bss.get_account", {{"id", true, ""}}, {}, ""});
    (void)actions.Add({"partner_center.create_customer",
                       {{"domain", true, ""}, {"account", false, ""}},
                       {"credentials.password"},
                       ""});
    context.actions = &actions;
    context.limits.max_iterations = 10'000;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  std::string text(reinterpret_cast<const char*>(data), size);
  engine::LoadResult result = engine::LoadWorkflow("fuzz.yaml", text, fixture.context);
  if (!result.ok()) {
    std::string rendered = dsl::RenderAll(result.source, result.diagnostics);
    if (rendered.empty()) __builtin_trap();
  }
  return 0;
}
