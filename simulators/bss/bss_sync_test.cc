// The BSS simulator: provisioning systems, sync option definitions ("Get
// Services Definitions", idempotent), sync option values and sync statuses.
#include <gtest/gtest.h>

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
                "Message": "Linked to the existing tenant contoso.onmicrosoft.com.",
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
