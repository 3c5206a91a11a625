#include <algorithm>
#include <string>
#include <utility>

#include "connectors/http/http_connector.h"

namespace bssflow::connectors::http {
namespace {

std::string PlaceOf(const PlaceholderUse& use) {
  switch (use.place) {
    case PlaceholderPlace::kUrl:
      return "the URL";
    case PlaceholderPlace::kQuery:
      return "query parameter '" + use.where + "'";
    case PlaceholderPlace::kBodyValue:
      return use.where.empty() ? "the whole body (any JSON value)"
                               : "body '" + use.where + "' (any JSON value)";
    case PlaceholderPlace::kBodyText:
      return use.where.empty() ? "the body text"
                               : "text in body '" + use.where + "'";
  }
  return "";
}

// "in the URL; query parameter 'expand'": where `name` goes.
std::string DescribeArgument(const std::vector<PlaceholderUse>& uses,
                             const std::string& name) {
  std::vector<std::string> places;
  for (const PlaceholderUse& use : uses) {
    if (use.name != name) continue;
    std::string place = PlaceOf(use);
    if (std::find(places.begin(), places.end(), place) == places.end())
      places.push_back(std::move(place));
  }
  std::string description;
  for (const std::string& place : places)
    description += (description.empty() ? "" : "; ") + place;
  return description;
}

std::string DescribeEndpoint(const HttpEndpoint& endpoint) {
  std::string description =
      endpoint.method + " " + TemplateSource(endpoint.url) + "; accepts ";
  for (size_t i = 0; i < endpoint.accept.size(); ++i)
    description += (i > 0 ? ", " : "") + std::to_string(endpoint.accept[i]);
  if (!endpoint.result.has_value()) return description + "; result: the body";
  description += "; result: {";
  for (size_t i = 0; i < endpoint.result->size(); ++i)
    description += (i > 0 ? ", " : "") + (*endpoint.result)[i].name;
  return description + "}";
}

}  // namespace

std::vector<engine::ActionSpec> Manifest(
    const std::vector<HttpEndpoint>& endpoints) {
  std::vector<engine::ActionSpec> specs;
  for (const HttpEndpoint& endpoint : endpoints) {
    engine::ActionSpec spec;
    spec.name = endpoint.action();
    std::vector<PlaceholderUse> uses = PlaceholderUses(endpoint);
    for (const std::string& name : ArgumentNames(endpoint)) {
      spec.arguments.push_back(
          {name, !IsOptional(endpoint, name), DescribeArgument(uses, name)});
    }
    spec.secret_fields = endpoint.secret;
    spec.description = DescribeEndpoint(endpoint);
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace bssflow::connectors::http
