-- wrk script: POST /v1/embeddings, one text per request, cycling through a corpus file with
-- one JSON string per line (the corpus quantbench draws from). Prints one JSON line at the end.
--   wrk -s embeddings.lua URL -- CORPUS MODEL ENCODING
local bodies = {}
local next_body = 1

function init(args)
  local corpus, model, encoding = args[1], args[2] or "minilm", args[3] or "float"
  for line in io.lines(corpus) do
    if #line > 0 then
      bodies[#bodies + 1] = string.format('{"model":"%s","input":%s,"encoding_format":"%s"}', model, line, encoding)
    end
  end
  -- Each thread starts at a different place, so that the threads do not send the same texts in step.
  next_body = (tonumber(id) or 0) * 97 % #bodies + 1
end

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/embeddings", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"requests_per_second":%.1f,"p50_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
