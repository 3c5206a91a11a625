-- wrk: POST a run start (bench/http/serve_wrk.sh sets WORKFLOW).
wrk.method = "POST"
wrk.path = "/v1/workflows/" .. os.getenv("WORKFLOW") .. "/runs"
wrk.body = '{"inputs": {"account_id": ' .. os.getenv("ACCOUNT") .. '}}'
wrk.headers["Content-Type"] = "application/json"
