// For tests only: the data files shipped in workflows/data, found from this
// header's location so that tests run from any directory, and the default
// function registry over them.
#ifndef BSSFLOW_DSL_TESTING_SHIPPED_DATA_H_
#define BSSFLOW_DSL_TESTING_SHIPPED_DATA_H_

#include <memory>
#include <stdexcept>
#include <string>

#include "dsl/functions.h"
#include "dsl/postal_codes.h"

namespace bssflow::dsl::testing {

/// workflows/data/postal_codes.yaml of this checkout.
inline std::string ShippedPostalCodeRulesPath() {
  std::string here = __FILE__;  // .../dsl/testing/shipped_data.h
  std::string dsl = here.substr(0, here.rfind('/', here.rfind('/') - 1));
  return dsl + "/../workflows/data/postal_codes.yaml";
}

/// Standard and domain functions over the shipped rules; built once.
inline std::shared_ptr<const FunctionRegistry> ShippedRegistry() {
  static const std::shared_ptr<const FunctionRegistry> registry = [] {
    auto rules = PostalCodeRules::LoadFile(ShippedPostalCodeRulesPath());
    if (!rules.ok()) throw std::runtime_error(rules.status().message());
    return BuildDefaultRegistry(rules.value()).value();
  }();
  return registry;
}

}  // namespace bssflow::dsl::testing

#endif  // BSSFLOW_DSL_TESTING_SHIPPED_DATA_H_
