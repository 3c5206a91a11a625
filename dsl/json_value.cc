#include "dsl/json_value.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bssflow::dsl {

namespace {

// Object keys seen so far in one conversion. A list of objects repeats the
// same few keys (every account has "email"); sharing one string per key
// saves memory and keeps the keys that field lookups compare hot in cache.
// Most documents have few distinct keys: they are looked up in a small
// array, and only past kSmall in a hash map. Keyed by views of the JSON's
// own keys, which outlive the conversion.
class KeyCache {
 public:
  const Value& Get(std::string_view key) {
    if (large_.empty()) {
      for (size_t i = 0; i < small_size_; ++i) {
        if (small_[i].first == key) return small_[i].second;
      }
      if (small_size_ < kSmall) {
        small_[small_size_] = {key, Value::String(std::string(key))};
        return small_[small_size_++].second;
      }
      for (const auto& [seen, value] : small_) large_.emplace(seen, value);
    }
    auto it = large_.find(key);
    if (it == large_.end())
      it = large_.emplace(key, Value::String(std::string(key))).first;
    return it->second;
  }

 private:
  static constexpr size_t kSmall = 16;
  std::array<std::pair<std::string_view, Value>, kSmall> small_;
  size_t small_size_ = 0;
  std::unordered_map<std::string_view, Value> large_;
};

const Value& KeyValue(const std::string& key, KeyCache& keys) {
  return keys.Get(key);
}

// Converts `json`; false when it nests deeper than `depth_left`.
bool Convert(const nlohmann::json& json, int depth_left, KeyCache& keys,
             Value& out) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      out = Value::Null();
      return true;
    case nlohmann::json::value_t::boolean:
      out = Value::Bool(json.get<bool>());
      return true;
    case nlohmann::json::value_t::number_integer:
      out = Value::Int(json.get<int64_t>());
      return true;
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = json.get<uint64_t>();
      out = u <= static_cast<uint64_t>(INT64_MAX)
                ? Value::Int(static_cast<int64_t>(u))
                : Value::Uint(u);
      return true;
    }
    case nlohmann::json::value_t::number_float:
      out = Value::Double(json.get<double>());
      return true;
    case nlohmann::json::value_t::string:
      out = Value::String(json.get<std::string>());
      return true;
    case nlohmann::json::value_t::array: {
      if (depth_left == 0) return false;
      ValueList items(json.size());
      for (size_t i = 0; i < json.size(); ++i) {
        if (!Convert(json[i], depth_left - 1, keys, items[i])) return false;
      }
      out = Value::List(std::move(items));
      return true;
    }
    case nlohmann::json::value_t::object: {
      if (depth_left == 0) return false;
      // A JSON object's keys are distinct strings: no lookup per entry.
      const auto& members = json.get_ref<const nlohmann::json::object_t&>();
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(members.size());
      for (const auto& [key, item] : members) {
        Value value;
        if (!Convert(item, depth_left - 1, keys, value)) return false;
        entries.emplace_back(KeyValue(key, keys), std::move(value));
      }
      out = Value::Map(ValueMap::OfDistinctKeys(std::move(entries)));
      return true;
    }
    default:
      out = Value::Null();
      return true;
  }
}

}  // namespace

bool NestsDeeperThan(std::string_view text, int depth) {
  int level = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, a quote included
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++level > depth) return true;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return false;
}

Result<Value> ValueFromJson(const nlohmann::json& json, int max_depth) {
  Value out;
  KeyCache keys;
  if (!Convert(json, max_depth, keys, out)) {
    return Status::Error("data nests deeper than " + std::to_string(max_depth) +
                         " levels");
  }
  return out;
}

namespace {

// ValueToJson for either kind of nlohmann JSON object: converting one kind
// into the other afterwards would copy the whole tree again.
template <typename Json>
Json ValueToJsonAs(const Value& value) {
  switch (value.kind()) {
    case ValueKind::kNull:
      return nullptr;
    case ValueKind::kBool:
      return value.bool_value();
    case ValueKind::kInt:
      return value.int_value();
    case ValueKind::kUint:
      return value.uint_value();
    case ValueKind::kDouble: {
      double d = value.double_value();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return d;
    }
    case ValueKind::kString:
      return value.string_value();
    case ValueKind::kBytes:
      return Base64Encode(value.bytes_value());
    case ValueKind::kList: {
      typename Json::array_t items;
      items.reserve(value.list_value().size());
      for (const Value& item : value.list_value())
        items.push_back(ValueToJsonAs<Json>(item));
      return Json(std::move(items));
    }
    case ValueKind::kMap: {
      const auto& entries = value.map_value().entries();
      bool string_keys = std::all_of(
          entries.begin(), entries.end(),
          [](const auto& e) { return e.first.kind() == ValueKind::kString; });
      Json out = string_keys
                                       ? Json::object()
                                       : Json::array();
      for (const auto& [key, item] : entries) {
        if (string_keys) {
          // CEL map keys are distinct: an insert, never an overwrite.
          out.emplace(key.string_value(), ValueToJsonAs<Json>(item));
        } else {
          out.push_back({ValueToJsonAs<Json>(key), ValueToJsonAs<Json>(item)});
        }
      }
      return out;
    }
    case ValueKind::kType:
      return std::string(KindName(value.type_value()));
    case ValueKind::kError:
      return {{"error", value.error_value().message}};
  }
  return nullptr;
}

}  // namespace

nlohmann::ordered_json ValueToJson(const Value& value) {
  return ValueToJsonAs<nlohmann::ordered_json>(value);
}

nlohmann::json ValueToSortedJson(const Value& value) {
  return ValueToJsonAs<nlohmann::json>(value);
}

namespace {
constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string Base64Encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) |
                 (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6)
      out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(data[i]) << 16);
    if (rest == 2)
      n |= static_cast<uint32_t>(static_cast<uint8_t>(data[i + 1]) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace bssflow::dsl
