// libFuzzer target: any byte string through parse -> check -> plan ->
// evaluate, in both check modes, against a small set of bound variables.
// Whatever the input, the pipeline must return diagnostics or a value: no
// crash, no sanitizer report, no hang (Limits bound the work).
#include <cstddef>
#include <cstdint>
#include <string>

#include "dsl/compiler.h"
#include "dsl/postal_codes.h"

namespace {

using namespace bssflow::dsl;

struct Fixture {
  std::shared_ptr<const FunctionRegistry> registry;
  std::unique_ptr<Env> env;
  std::unique_ptr<Activation> activation;
  Limits limits;

  Fixture() {
    auto rules = PostalCodeRules::LoadFile(DefaultPostalCodeRulesPath());
    registry =
        BuildDefaultRegistry(rules.ok() ? rules.value() : nullptr).value();
    env = std::make_unique<Env>(registry);
    env->Declare("x");
    env->Declare("s", ValueKind::kString);
    env->Declare("n", ValueKind::kInt);
    env->Declare("items", ValueKind::kList);
    env->Declare("account", ValueKind::kMap);
    activation = std::make_unique<Activation>(*env);
    ValueMap account;
    account.Insert(Value::String("email"), Value::String("it@contoso.de"));
    account.Insert(Value::String("phone"), Value::String("+49 30 1234567"));
    account.Insert(Value::String("parent"), Value::Int(7));
    activation->Bind("x", Value::Double(1.5));
    activation->Bind("s", Value::String("héllo"));
    activation->Bind("n", Value::Int(42));
    activation->Bind("items", Value::List({Value::Int(1), Value::String("a"),
                                           Value::Map(ValueMap())}));
    activation->Bind("account", Value::Map(std::move(account)));
    limits.max_iterations = 10'000;
    limits.max_expression_length = 4096;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  Source source;
  source.name = "<fuzz>";
  source.text.assign(reinterpret_cast<const char*>(data), size);
  for (CheckMode mode : {CheckMode::kStrict, CheckMode::kDeferToRuntime}) {
    CompileOptions options;
    options.mode = mode;
    options.limits = fixture.limits;
    CompileResult compiled = Compile(source, *fixture.env, options);
    if (!compiled.ok()) {
      // Rendering must cope with any offset and any text.
      std::string rendered = RenderAll(source, compiled.diagnostics);
      if (rendered.empty()) __builtin_trap();
      continue;
    }
    Value result = compiled.program->Evaluate(*fixture.activation);
    (void)DebugString(result);
  }
  return 0;
}
