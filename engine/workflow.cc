#include "engine/workflow.h"

namespace bssflow::engine {

dsl::Value Render(const ValueTemplate& value,
                  const dsl::Activation& activation) {
  switch (value.shape) {
    case ValueTemplate::Shape::kScalar:
      return value.scalar.compiled->Render(activation);
    case ValueTemplate::Shape::kList: {
      dsl::ValueList items;
      items.reserve(value.items.size());
      for (const ValueTemplate& item : value.items) {
        dsl::Value v = Render(item, activation);
        if (v.is_error()) return v;
        items.push_back(std::move(v));
      }
      return dsl::Value::List(std::move(items));
    }
    case ValueTemplate::Shape::kMap: {
      dsl::ValueMap map;
      for (const auto& [name, field] : value.fields) {
        dsl::Value v = Render(field, activation);
        if (v.is_error()) return v;
        map.Insert(dsl::Value::String(name), std::move(v));
      }
      return dsl::Value::Map(std::move(map));
    }
  }
  return dsl::Value();
}

}  // namespace bssflow::engine
