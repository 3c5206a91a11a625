#include "connectors/partner_center/collection_pages.h"

#include <algorithm>
#include <cctype>

namespace bssflow::connectors::partner_center {
namespace {

bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) {
                      return std::tolower(x) == std::tolower(y);
                    });
}

const nlohmann::json& Items(const nlohmann::json& page) {
  static const nlohmann::json kNone = nlohmann::json::array();
  if (!page.is_object()) return kNone;
  auto it = page.find("items");
  return it != page.end() && it->is_array() ? *it : kNone;
}

std::string Text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return "";
}

}  // namespace

std::string ContinuationToken(const nlohmann::json& page) {
  if (!page.is_object()) return "";
  auto it = page.find("continuationToken");
  return it != page.end() && it->is_string() ? it->get<std::string>() : "";
}

const nlohmann::json* FindExactDomain(const nlohmann::json& page,
                                      std::string_view domain) {
  for (const nlohmann::json& item : Items(page)) {
    const nlohmann::json* found = &item;
    for (const char* key : {"companyProfile", "domain"}) {
      if (found == nullptr || !found->is_object() || !found->contains(key)) {
        found = nullptr;
        break;
      }
      found = &(*found)[key];
    }
    if (found != nullptr && found->is_string() &&
        EqualIgnoringCase(found->get_ref<const std::string&>(), domain))
      return &item;
  }
  return nullptr;
}

const nlohmann::json* FindByField(const nlohmann::json& page,
                                  std::string_view field,
                                  std::string_view value) {
  for (const nlohmann::json& item : Items(page)) {
    if (!item.is_object()) continue;
    auto it = item.find(std::string(field));
    if (it != item.end() && Text(*it) == value) return &item;
  }
  return nullptr;
}

std::string DomainFilter(std::string_view value) {
  nlohmann::json filter = {{"Field", "Domain"},
                           {"Value", std::string(value)},
                           {"Operator", "starts_with"}};
  return filter.dump();
}

std::string FullDomain(std::string_view domain) {
  std::string full(domain);
  std::transform(full.begin(), full.end(), full.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  if (full.find('.') == std::string::npos) full += ".onmicrosoft.com";
  return full;
}

}  // namespace bssflow::connectors::partner_center
