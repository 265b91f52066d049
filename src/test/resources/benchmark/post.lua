-- wrk -s post.lua <url> -- <content-type> <extra header "Name: value" or "-"> <body file>...
-- Each request POSTs the next body file in turn; requests are formatted once, in init.
local requests = {}
local next = 0
local failed = 0

function init(args)
  local headers = {["Content-Type"] = args[1]}
  if args[2] ~= "-" then
    local name, value = args[2]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  for i = 3, #args do
    local file = assert(io.open(args[i], "rb"))
    local body = file:read("*a")
    file:close()
    requests[#requests + 1] = wrk.format("POST", nil, headers, body)
  end
end

function request()
  next = next % #requests + 1
  return requests[next]
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    if failed <= 3 then
      io.stderr:write("answered " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
  end
end
