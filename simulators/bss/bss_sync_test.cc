// The BSS simulator: provisioning systems, sync option definitions ("Get
// Services Definitions", idempotent), sync option values and sync statuses.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "simulators/bss/bss_test_fixture.h"

namespace bssflow::simulators::bss {
namespace {

using nlohmann::json;

TEST_F(BssSimulatorTest, ListsTheProvisioningSystems) {
  SimulatedResponse response =
      Send(http::verb::get, "/api/ProvisioningSystems");
  ASSERT_EQ(Status(response), 200);
  EXPECT_EQ(Body(response), json::parse(R"json([
      {"Code": "MSCSP", "Name": "Microsoft Cloud Services",
       "OrganizationType": "IndirectProvider", "ResellerMpnIDAvailable": true},
      {"Code": "MSCSP-CT", "Name": "Microsoft Cloud Services (country tenant)",
       "OrganizationType": "IndirectCountryTenant",
       "ResellerMpnIDAvailable": true},
      {"Code": "MSCSP-DIRECT", "Name": "Microsoft Cloud Services (direct CSP)",
       "OrganizationType": "DirectProvider", "ResellerMpnIDAvailable": false},
      {"Code": "MSCSP-TR", "Name": "Microsoft Cloud Services (tenant reseller)",
       "OrganizationType": "TenantReseller", "ResellerMpnIDAvailable": false}
      ])json"));
  EXPECT_EQ(Body(Send(http::verb::get, "/api/ProvisioningSystems/MSCSP-TR")),
            Body(response)[3]);
  SimulatedResponse missing =
      Send(http::verb::get, "/api/ProvisioningSystems/NOPE");
  EXPECT_EQ(Status(missing), 404);
  EXPECT_EQ(Body(missing),
            Problem("system-not-found", "Provisioning system not found", 404,
                    "No provisioning system has the code NOPE.",
                    "/api/ProvisioningSystems/NOPE"));
}

TEST_F(BssSimulatorTest, DefinitionsAreTextFieldsInTheMicrosoftFolder) {
  json definitions = Body(Send(
      http::verb::get, "/api/ProvisioningSystems/MSCSP/syncoptiondefinitions"));
  ASSERT_EQ(definitions.size(), 3u);
  EXPECT_EQ(definitions[0], json::parse(R"({
      "ID": 101, "SortOrder": 1, "Name": "Username",
      "Description": "The user name of the global admin created in the new Microsoft tenant (before @domain).",
      "Kind": "SimpleValue", "DataType": "Text", "IsRequired": true,
      "PredefinedValues": [], "IsReadOnly": false, "Code": "Username",
      "SystemCode": "MSCSP", "Entity": "Accounts",
      "Folder": "Microsoft Cloud Services", "Permissionless": true,
      "DefaultValue": null})"));
  EXPECT_EQ(definitions[1]["Code"], "DomainPrefix");
  EXPECT_EQ(definitions[1]["Name"], "Domain Prefix");
  EXPECT_EQ(definitions[2]["Code"], "ResellerMpnID");
  EXPECT_EQ(definitions[2]["Name"], "Reseller (MPN ID)");
  EXPECT_EQ(definitions[2]["IsRequired"], false);
}

TEST_F(BssSimulatorTest, GetServicesDefinitionsRunTwiceChangesNothing) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions";
  EXPECT_EQ(Body(Send(http::verb::get, path)), json::array());
  SimulatedResponse first = Send(http::verb::put, path);
  ASSERT_EQ(Status(first), 201);
  EXPECT_EQ(Body(first)["SystemCode"], "MSCSP-DIRECT");
  EXPECT_EQ(Body(first)["Created"],
            json::parse(R"(["Username", "DomainPrefix"])"));
  ASSERT_EQ(Body(first)["Definitions"].size(), 2u);
  EXPECT_EQ(Body(first)["Definitions"][0]["ID"], 104);
  EXPECT_EQ(Body(first)["Definitions"][1]["ID"], 105);
  BssState before = sim_->Snapshot();

  SimulatedResponse second = Send(http::verb::put, path, "{}");
  EXPECT_EQ(Status(second), 200);
  EXPECT_EQ(Body(second)["Created"], json::array());
  EXPECT_EQ(Body(second)["Definitions"], Body(first)["Definitions"]);
  EXPECT_EQ(Body(Send(http::verb::get, path)), Body(first)["Definitions"]);
  BssState after = sim_->Snapshot();
  EXPECT_EQ(after.definitions.size(), before.definitions.size());
  EXPECT_EQ(after.next_definition_id, before.next_definition_id);
}

TEST_F(BssSimulatorTest, ResellerMpnIdExistsOnlyForIndirectOrganisations) {
  auto created = [&](const std::string& system) {
    return Body(Send(http::verb::put, "/api/ProvisioningSystems/" + system +
                                          "/syncoptiondefinitions"))["Created"];
  };
  EXPECT_EQ(created("MSCSP-CT"),
            json::parse(R"(["Username", "DomainPrefix", "ResellerMpnID"])"));
  EXPECT_EQ(created("MSCSP-TR"),
            json::parse(R"(["Username", "DomainPrefix"])"));
  EXPECT_EQ(created("MSCSP"), json::array());  // the demo created them
}

TEST_F(BssSimulatorTest, CodesCreateExactlyTheFieldsListed) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions";
  const std::string body = R"({"Codes": ["DomainPrefix", "Username"]})";
  SimulatedResponse first = Send(http::verb::put, path, body);
  ASSERT_EQ(Status(first), 201);
  EXPECT_EQ(Body(first)["SystemCode"], "MSCSP-DIRECT");
  // Created in sort order, whatever the order listed.
  EXPECT_EQ(Body(first)["Created"],
            json::parse(R"(["Username", "DomainPrefix"])"));
  ASSERT_EQ(Body(first)["Definitions"].size(), 2u);
  EXPECT_EQ(Body(first)["Definitions"][0]["ID"], 104);
  EXPECT_EQ(Body(first)["Definitions"][0]["Code"], "Username");
  EXPECT_EQ(Body(first)["Definitions"][1]["ID"], 105);
  EXPECT_EQ(Body(first)["Definitions"][1]["Code"], "DomainPrefix");
  BssState before = sim_->Snapshot();

  SimulatedResponse second = Send(http::verb::put, path, body);
  EXPECT_EQ(Status(second), 200);
  EXPECT_EQ(Body(second)["Created"], json::array());
  EXPECT_EQ(Body(second)["Definitions"], Body(first)["Definitions"]);
  BssState after = sim_->Snapshot();
  EXPECT_EQ(after.definitions.size(), before.definitions.size());
  EXPECT_EQ(after.next_definition_id, before.next_definition_id);
}

TEST_F(BssSimulatorTest, CodesCreateOnlyTheMissingFieldsOfThoseListed) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-CT/syncoptiondefinitions";
  SimulatedResponse username =
      Send(http::verb::put, path, R"({"Codes": ["Username"]})");
  EXPECT_EQ(Status(username), 201);
  EXPECT_EQ(Body(username)["Created"], json::parse(R"(["Username"])"));
  ASSERT_EQ(Body(username)["Definitions"].size(), 1u);
  EXPECT_EQ(Body(username)["Definitions"][0]["ID"], 104);

  SimulatedResponse reseller = Send(
      http::verb::put, path, R"({"Codes": ["ResellerMpnID", "Username"]})");
  EXPECT_EQ(Status(reseller), 201);
  EXPECT_EQ(Body(reseller)["Created"], json::parse(R"(["ResellerMpnID"])"));
  json definitions = Body(reseller)["Definitions"];
  ASSERT_EQ(definitions.size(), 2u);
  EXPECT_EQ(definitions[0], Body(username)["Definitions"][0]);
  EXPECT_EQ(definitions[1]["ID"], 105);
  EXPECT_EQ(definitions[1]["Code"], "ResellerMpnID");

  // Without Codes: the field the system should have and still lacks.
  SimulatedResponse rest = Send(http::verb::put, path);
  EXPECT_EQ(Status(rest), 201);
  EXPECT_EQ(Body(rest)["Created"], json::parse(R"(["DomainPrefix"])"));
  ASSERT_EQ(Body(rest)["Definitions"].size(), 3u);
  EXPECT_EQ(Body(rest)["Definitions"][1]["Code"], "DomainPrefix");
  EXPECT_EQ(Body(rest)["Definitions"][1]["ID"], 106);

  // MSCSP has them all (the demo created them).
  SimulatedResponse existing = Send(
      http::verb::put, "/api/ProvisioningSystems/MSCSP/syncoptiondefinitions",
      R"({"Codes": ["ResellerMpnID"]})");
  EXPECT_EQ(Status(existing), 200);
  EXPECT_EQ(Body(existing)["Created"], json::array());
  EXPECT_EQ(Body(existing)["Definitions"].size(), 3u);
}

TEST_F(BssSimulatorTest, NullCodesOrABlankBodyCreateWhatTheSystemShouldHave) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions";
  SimulatedResponse null_codes =
      Send(http::verb::put, path, R"({"Codes": null})");
  EXPECT_EQ(Status(null_codes), 201);
  EXPECT_EQ(Body(null_codes)["Created"],
            json::parse(R"(["Username", "DomainPrefix"])"));
  const std::string tr =
      "/api/ProvisioningSystems/MSCSP-TR/syncoptiondefinitions";
  SimulatedResponse blank = Send(http::verb::put, tr, " \r\n");
  EXPECT_EQ(Status(blank), 201);
  EXPECT_EQ(Body(blank)["Created"],
            json::parse(R"(["Username", "DomainPrefix"])"));
}

TEST_F(BssSimulatorTest, ResellerMpnIdCodeOnADirectSystemIsRefused) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions";
  SimulatedResponse direct = Send(
      http::verb::put, path, R"({"Codes": ["Username", "ResellerMpnID"]})");
  EXPECT_EQ(Status(direct), 400);
  EXPECT_EQ(Body(direct),
            Problem("invalid-request", "The request is invalid", 400,
                    "MSCSP-DIRECT is a DirectProvider organisation: it has no "
                    "Reseller (MPN ID) sync option.",
                    path));
  // All or nothing: Username was not created either.
  EXPECT_EQ(Body(Send(http::verb::get, path)), json::array());
  EXPECT_EQ(sim_->Snapshot().next_definition_id, 104);

  SimulatedResponse tenant_reseller =
      Send(http::verb::put,
           "/api/ProvisioningSystems/MSCSP-TR/syncoptiondefinitions",
           R"({"Codes": ["ResellerMpnID"]})");
  EXPECT_EQ(Status(tenant_reseller), 400);
  EXPECT_EQ(Body(tenant_reseller)["detail"],
            "MSCSP-TR is a TenantReseller organisation: it has no Reseller "
            "(MPN ID) sync option.");
}

TEST_F(BssSimulatorTest, CodesAreCheckedBeforeAnythingIsCreated) {
  const std::string path =
      "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions";
  const std::string not_a_list =
      "Codes must be a non-empty list of sync option codes (Username, "
      "DomainPrefix and ResellerMpnID); leave it out to create every field "
      "the system should have.";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "The request body is not valid JSON."},
      {R"(["Username"])",
       "Send no body, {} or {\"Codes\": [...]} with some of Username, "
       "DomainPrefix and ResellerMpnID."},
      {R"({"Codes": "Username"})", not_a_list},
      {R"({"Codes": []})", not_a_list},
      {R"({"Codes": ["Username", 5]})", "Codes must hold only text, not 5."},
      {R"({"Codes": ["Username", "Nope"]})",
       "Unknown sync option code \"Nope\"; the known codes are Username, "
       "DomainPrefix and ResellerMpnID."},
      {R"({"Codes": ["domainPrefix"]})",
       "Unknown sync option code \"domainPrefix\" (did you mean "
       "\"DomainPrefix\"?); the known codes are Username, DomainPrefix and "
       "ResellerMpnID."},
      {R"({"Codes": ["Username", "DomainPrefix", "Username"]})",
       "Codes lists Username twice."},
  };
  for (const auto& [body, detail] : cases) {
    SimulatedResponse response = Send(http::verb::put, path, body);
    EXPECT_EQ(Status(response), 400) << body;
    EXPECT_EQ(
        Body(response),
        Problem("invalid-request", "The request is invalid", 400, detail, path))
        << body;
  }
  EXPECT_EQ(Body(Send(http::verb::get, path)), json::array());
  EXPECT_EQ(sim_->Snapshot().next_definition_id, 104);
  // The system is looked up first.
  SimulatedResponse unknown = Send(
      http::verb::put, "/api/ProvisioningSystems/NOPE/syncoptiondefinitions",
      R"({"Codes": ["Nope"]})");
  EXPECT_EQ(Status(unknown), 404);
  EXPECT_EQ(Body(unknown)["type"], "urn:bss:problem:system-not-found");
}

TEST_F(BssSimulatorTest, SyncOptionsCarryTheirValues) {
  json options =
      Body(Send(http::verb::get, "/api/Accounts/2001/syncoptions/MSCSP"));
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0]["ID"], 101);
  EXPECT_EQ(options[0]["Value"], "admin");
  EXPECT_EQ(options[0]["Definition"]["Code"], "Username");
  EXPECT_EQ(options[1]["Value"], "adatum");
  EXPECT_EQ(options[2]["Value"], "1234567");
  // System codes are compared exactly.
  EXPECT_EQ(
      Status(Send(http::verb::get, "/api/Accounts/1001/syncoptions/mscsp")),
      404);
  json northwind =
      Body(Send(http::verb::get, "/api/Accounts/1001/syncoptions/MSCSP"));
  EXPECT_EQ(northwind[1]["Value"], "northwind");
  EXPECT_EQ(northwind[2]["Value"], nullptr);
  EXPECT_EQ(Body(Send(http::verb::get,
                      "/api/Accounts/4002/syncoptions/MSCSP"))[1]["Value"],
            "contoso.com");
}

TEST_F(BssSimulatorTest, SyncOptionsBeforeDefinitionsAre409) {
  SimulatedResponse response =
      Send(http::verb::get, "/api/Accounts/1001/syncoptions/MSCSP-DIRECT");
  EXPECT_EQ(Status(response), 409);
  EXPECT_EQ(Body(response),
            Problem("sync-options-not-defined", "Sync options not defined", 409,
                    "The sync options of MSCSP-DIRECT are not defined yet; "
                    "create them with PUT /api/ProvisioningSystems/"
                    "MSCSP-DIRECT/syncoptiondefinitions (Get Services "
                    "Definitions).",
                    "/api/Accounts/1001/syncoptions/MSCSP-DIRECT"));
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/9/syncoptions/MSCSP")),
            404);
}

TEST_F(BssSimulatorTest, PutSyncOptionsByIdOrCodeAndNullClears) {
  const std::string path = "/api/Accounts/1001/syncoptions/MSCSP";
  SimulatedResponse response =
      Send(http::verb::put, path,
           R"([{"Code": "DomainPrefix", "Value": "northwind2"},
          {"ID": 103, "Value": "1234567"}, {"Code": "Username", "Value": null}])");
  ASSERT_EQ(Status(response), 200);
  json options = Body(response);
  EXPECT_EQ(options[0]["Value"], nullptr);
  EXPECT_EQ(options[1]["Value"], "northwind2");
  EXPECT_EQ(options[2]["Value"], "1234567");
  EXPECT_EQ(Body(Send(http::verb::get, path)), options);
}

TEST_F(BssSimulatorTest, PutSyncOptionsIsAllOrNothing) {
  const std::string path = "/api/Accounts/1001/syncoptions/MSCSP";
  json before = Body(Send(http::verb::get, path));
  SimulatedResponse unknown = Send(
      http::verb::put, path,
      R"([{"Code": "DomainPrefix", "Value": "x"}, {"Code": "Nope", "Value": "y"}])");
  EXPECT_EQ(Status(unknown), 400);
  EXPECT_EQ(Body(unknown)["detail"],
            "MSCSP has no sync option {\"Code\":\"Nope\",\"Value\":\"y\"}.");
  SimulatedResponse number =
      Send(http::verb::put, path, R"([{"ID": 101, "Value": 5}])");
  EXPECT_EQ(Body(number)["detail"],
            "The Value of sync option Username must be text or null.");
  EXPECT_EQ(Status(Send(http::verb::put, path, "{}")), 400);
  EXPECT_EQ(Body(Send(http::verb::get, path)), before);
}

TEST_F(BssSimulatorTest, NoResellerMpnIdOnADirectSystem) {
  Send(http::verb::put,
       "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions");
  SimulatedResponse response =
      Send(http::verb::put, "/api/Accounts/2001/syncoptions/MSCSP-DIRECT",
           R"([{"Code": "ResellerMpnID", "Value": "1234567"}])");
  EXPECT_EQ(Status(response), 400);
  EXPECT_EQ(Body(response)["detail"],
            "MSCSP-DIRECT has no sync option "
            "{\"Code\":\"ResellerMpnID\",\"Value\":\"1234567\"}.");
}

TEST_F(BssSimulatorTest, SyncStatusDefaultsToNotSynchronized) {
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/1001/syncstatus/MSCSP")),
            json::parse(R"({"AccountID": 1001, "SystemCode": "MSCSP",
                "Status": "NotSynchronized", "Message": "",
                "CustomerCode": null, "UpdatedAt": null})"));
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/4003/syncstatus/MSCSP")),
            json::parse(R"({"AccountID": 4003, "SystemCode": "MSCSP",
                "Status": "Synchronized",
                "Message": "Linked to the existing tenant contoso.com.",
                "CustomerCode": "c0000000-0000-4000-8000-000000000001",
                "UpdatedAt": "2024-05-01T09:00:00Z"})"));
}

TEST_F(BssSimulatorTest, PutSyncStatusRecordsStatusAndCustomerCode) {
  now_ += std::chrono::minutes(5);
  SimulatedResponse response =
      Send(http::verb::put, "/api/Accounts/1001/syncstatus/MSCSP",
           R"({"Status": "Synchronized", "Message": "Tenant created.",
               "CustomerCode": "7a1b2c3d-0000-4000-8000-00000000abcd"})");
  ASSERT_EQ(Status(response), 200);
  EXPECT_EQ(Body(response),
            json::parse(R"({"AccountID": 1001, "SystemCode": "MSCSP",
                "Status": "Synchronized", "Message": "Tenant created.",
                "CustomerCode": "7a1b2c3d-0000-4000-8000-00000000abcd",
                "UpdatedAt": "2024-05-01T12:05:00Z"})"));
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/1001"))["CustomerCode"],
            "7a1b2c3d-0000-4000-8000-00000000abcd");
  SimulatedResponse failed =
      Send(http::verb::put, "/api/Accounts/1002/syncstatus/MSCSP",
           R"({"Status": "Failed", "Message": "Invalid postal code."})");
  EXPECT_EQ(Body(failed)["Status"], "Failed");
  EXPECT_EQ(Body(failed)["CustomerCode"], nullptr);
}

TEST_F(BssSimulatorTest, PutSyncStatusIsCheckedAndLinksUnderTheSameRules) {
  const std::string path = "/api/Accounts/4001/syncstatus/MSCSP";
  SimulatedResponse bad = Send(http::verb::put, path, R"({"Status": "Done"})");
  EXPECT_EQ(Status(bad), 400);
  EXPECT_EQ(Body(bad)["detail"],
            "Send {\"Status\": NotSynchronized, InProgress, "
            "AwaitingConfirmation, Synchronized or Failed, \"Message\": text} "
            "and, optionally, \"CustomerCode\" and \"AllowShared\".");
  EXPECT_EQ(Status(Send(http::verb::put, path, "[]")), 400);
  SimulatedResponse shared = Send(
      http::verb::put, path,
      R"({"Status": "Synchronized", "CustomerCode": "c0000000-0000-4000-8000-000000000001"})");
  EXPECT_EQ(Status(shared), 409);
  EXPECT_EQ(Body(shared)["type"], "urn:bss:problem:customer-code-shared");
  EXPECT_EQ(Body(Send(http::verb::get, path))["Status"], "NotSynchronized");
  EXPECT_EQ(Status(Send(http::verb::put, "/api/Accounts/4001/syncstatus/X",
                        R"({"Status": "Failed"})")),
            404);
}

}  // namespace
}  // namespace bssflow::simulators::bss
